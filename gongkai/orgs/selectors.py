from __future__ import annotations

from django.db.models import QuerySet

from gongkai.core.types import Actor
from gongkai.orgs import policies
from gongkai.orgs.models import Organisation


def org_subtree(org: Organisation, *, include_self: bool = True) -> QuerySet[Organisation]:
    qs = Organisation.objects.filter(path__startswith=org.path)
    return qs if include_self else qs.exclude(pk=org.pk)


def org_ancestors(org: Organisation, *, include_self: bool = True) -> list[Organisation]:
    ids = [int(p) for p in org.path.strip("/").split("/") if p]
    if not include_self:
        ids = ids[:-1]
    by_id = Organisation.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def org_ancestor_ids(org: Organisation) -> list[int]:
    return [int(p) for p in org.path.strip("/").split("/") if p]


def public_orgs() -> QuerySet[Organisation]:
    return Organisation.objects.filter(is_active=True)


def org_by_slug(slug: str) -> Organisation | None:
    return Organisation.objects.filter(slug=slug, is_active=True).first()


def working_org_ids(user: Actor) -> list[int]:
    """The bodies where the user holds a working role (公开专员, 保密审查, 分管领导): where its own work
    (to-do lists, records it keeps) lies; oversight reaches further but acts on nothing."""
    return [m.org_id for m in policies.memberships_of(user) if m.role in policies.WORKING_ROLES]


def bodies_seen_by(user: Actor) -> list[Organisation]:
    """The bodies whose figures a user sees: those it works at, and every body below those it
    oversees (a supervisor's subtree), in tree order."""
    seen = {m.org_id: m.org for m in policies.memberships_of(user) if m.role in policies.WORKING_ROLES}
    for top in policies.orgs_overseen(user):
        seen.update((o.pk, o) for o in org_subtree(top))
    return sorted(seen.values(), key=lambda o: o.path)
