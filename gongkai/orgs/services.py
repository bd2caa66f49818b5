from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from gongkai.core import audit
from gongkai.core.errors import ValidationFailed
from gongkai.core.types import Actor
from gongkai.orgs import policies
from gongkai.orgs.credit_code import credit_code_problem, normalise_credit_code
from gongkai.orgs.models import Membership, Organisation, Role

GUIDE_FIELDS = (
    "name",
    "office_name",
    "office_address",
    "office_postcode",
    "office_hours",
    "office_phone",
    "office_fax",
    "office_email",
    "office_website",
    "functions",
    "disclosure_rules",
    "reconsideration_body",
    "competent_court",
    "is_active",
)


def _snapshot(org: Organisation) -> dict[str, Any]:
    return {f: getattr(org, f) for f in (*GUIDE_FIELDS, "credit_code", "kind", "parent_id")}


def validate_credit_code(raw: str) -> str:
    code = normalise_credit_code(raw)
    problem = credit_code_problem(code)
    if problem:
        raise ValidationFailed(problem, code="invalid_credit_code", field="credit_code")
    return code


@transaction.atomic
def org_create(
    *,
    actor: Actor,
    name: str,
    slug: str,
    kind: str,
    credit_code: str,
    parent: Organisation | None = None,
    **guide: Any,
) -> Organisation:
    code = validate_credit_code(credit_code)
    if Organisation.objects.filter(credit_code=code).exists():
        raise ValidationFailed(
            "该统一社会信用代码已被其他机构使用。", code="duplicate_credit_code", field="credit_code"
        )
    if Organisation.objects.filter(slug=slug).exists():
        raise ValidationFailed("该网址标识已被使用。", code="duplicate_slug", field="slug")
    unknown = set(guide) - set(GUIDE_FIELDS)
    if unknown:
        raise ValidationFailed(f"未知字段：{', '.join(sorted(unknown))}", code="unknown_field")
    org = Organisation(name=name, slug=slug, kind=kind, credit_code=code, parent=parent, **guide)
    org.path = "/"
    org.depth = 0 if parent is None else parent.depth + 1
    org.save()
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    org.save(update_fields=["path"])
    audit.record(actor=actor, action="org.created", obj=org, after=_snapshot(org), org_id=org.pk)
    return org


@transaction.atomic
def org_update(*, actor: Actor, org: Organisation, **changes: Any) -> Organisation:
    """Change the 指南 data. Renaming never touches index numbers already issued (spec §5)."""
    if "credit_code" in changes:
        changes["credit_code"] = validate_credit_code(changes["credit_code"])
    allowed = set(GUIDE_FIELDS) | {"credit_code"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(f"不能修改字段：{', '.join(sorted(unknown))}", code="unknown_field")
    before = _snapshot(org)
    for key, value in changes.items():
        setattr(org, key, value)
    org.save()
    b, a = audit.changed_fields(before, _snapshot(org))
    if a:
        audit.record(actor=actor, action="org.updated", obj=org, before=b, after=a, org_id=org.pk)
    return org


@transaction.atomic
def membership_grant(*, actor: Actor, user: User, org: Organisation, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationFailed(f"未知角色：{role}", code="unknown_role")
    membership, created = Membership.objects.get_or_create(user=user, org=org, role=role)
    policies.forget_cached_roles(user)
    if created:
        audit.record(
            actor=actor,
            action="membership.granted",
            obj=membership,
            after={"user": user.get_username(), "org": org.pk, "role": role},
            org_id=org.pk,
        )
    return membership


@transaction.atomic
def membership_revoke(*, actor: Actor, membership: Membership) -> None:
    audit.record(
        actor=actor,
        action="membership.revoked",
        obj=membership,
        before={"user": membership.user.get_username(), "org": membership.org_id, "role": membership.role},
        org_id=membership.org_id,
    )
    membership.delete()
    policies.forget_cached_roles(membership.user)
