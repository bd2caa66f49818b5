"""Path converters. ``<id:pk>`` is Django's ``<id:pk>`` with at most 18 digits: any value fits a
64-bit column, so an address such as ``/attachments/99999999999999999999/`` is a 404, not an
overflow in the database driver (a 500)."""

from __future__ import annotations

from django.urls import register_converter


class BoundedInt:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(BoundedInt, "id")
