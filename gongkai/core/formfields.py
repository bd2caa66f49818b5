"""Form fields shared by the portal and the workbench."""

from __future__ import annotations

from typing import Any

from django import forms


class MultiFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none were chosen)."""

    widget = MultiFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        items = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultiFileField, self).clean(d, initial) for d in items]
