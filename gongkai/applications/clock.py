"""Today, for the application services: one place, so that a test can set the date the rules see
(the services refuse step dates after today)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()
