"""The connection a search reads through."""

from __future__ import annotations

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.backends.base.base import BaseDatabaseWrapper


def reader() -> BaseDatabaseWrapper:
    """A read replica when the request may use one (``core.replicas``), otherwise the primary.
    Indexing writes through the primary's ``connection``."""
    return connections[router.db_for_read(apps.get_model("search", "SearchEntry")) or DEFAULT_DB_ALIAS]
