"""System checks run by every ``manage.py`` command and at server start."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from gongkai.core.storage import is_inside


@register()
def private_root_not_served(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Private files (uploads, letters) must not sit under a folder that a web server serves."""
    private = Path(settings.GONGKAI_PRIVATE_ROOT)
    errors = []
    for name in ("MEDIA_ROOT", "STATIC_ROOT"):
        served = getattr(settings, name, None)
        if served and (is_inside(private, Path(served)) or is_inside(Path(served), private)):
            errors.append(
                Error(
                    f"GONGKAI_PRIVATE_ROOT ({private}) overlaps {name} ({served}).",
                    hint="Keep private files outside every folder a web server serves (docs/security.md).",
                    id="gongkai.E001",
                )
            )
    return errors
