"""Types shared by every app.

``Actor`` is who takes a step: a signed-in member of staff, or the anonymous user a request
carries before sign-in (``orgs.policies`` refuses every staff action to the latter). A service that
an applicant's own step reaches takes ``Actor | None``: the applicant proves the case with its
tracking code and secret and is no user of the platform.
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser, User

Actor: TypeAlias = User | AnonymousUser


def user_of(actor: Actor | None) -> User | None:
    """The account a record names as its author (created_by, added_by, …): the signed-in user, or
    nobody for a step the applicant or the system took."""
    return actor if isinstance(actor, User) and actor.is_authenticated else None
