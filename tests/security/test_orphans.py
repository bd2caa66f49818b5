"""Issue 17 §10: a file with no row (left by a process killed between writing it and committing)
is removed by the sweep once it is older than the grace period; owned and fresh files stay."""

from __future__ import annotations

import os
import time
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command

from tests.security.conftest import apply_to

ID_CARD = b"%PDF-1.4\n% identity card\n"


def test_the_sweep_removes_old_orphans_only(bodies: dict[str, Any], settings: Any) -> None:
    app = apply_to(bodies["police"], files=(("id.pdf", ID_CARD),)).application
    private = Path(settings.GONGKAI_PRIVATE_ROOT)
    owned = private / app.files.get().file.name
    orphan = private / "applications" / "2026" / "0123456789abcdef0123456789abcdef"
    fresh = private / "applications" / "2026" / "fedcba9876543210fedcba9876543210"
    media_orphan = Path(settings.MEDIA_ROOT) / "attachments" / "1" / "deadbeef.pdf"
    for path in (orphan, fresh, media_orphan):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"left behind")
    old = time.time() - 3 * 3600
    for path in (orphan, media_orphan, owned):
        os.utime(path, (old, old))
    out = StringIO()
    call_command("files_sweep", "--dry-run", stdout=out)
    assert orphan.exists() and "可删除无主文件 2 个" in out.getvalue()
    call_command("files_sweep", stdout=StringIO())
    assert not orphan.exists() and not media_orphan.exists()
    assert owned.read_bytes() == ID_CARD and fresh.exists()
