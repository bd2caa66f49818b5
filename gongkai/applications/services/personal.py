"""Personal data (Art. 15 and the applicant's privacy): every full view of an applicant's data — the
case, a letter, a file, a search by name — needs a reason and is an audit event; only the handling
body's working staff may make one."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from gongkai.applications import selectors
from gongkai.applications.models import (
    Application,
    ApplicationFile,
    Letter,
)
from gongkai.applications.services.common import PERSONAL_FIELDS
from gongkai.core import audit
from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.text import strip_control_characters
from gongkai.core.types import Actor
from gongkai.orgs import policies
from gongkai.orgs.models import Organisation

# --- personal data ------------------------------------------------------------------------------


def reveal_personal_data(*, actor: Actor, application: Application, reason: str = "") -> dict[str, str]:
    """The applicant's personal data in full, for the handling body's own staff, logged every time
    with the reason given (a reveal without a reason is refused)."""
    _log_reveal(actor=actor, application=application, reason=reason, what={"fields": list(PERSONAL_FIELDS)})
    return {name: getattr(application, name) for name in PERSONAL_FIELDS}


def reveal_letter(*, actor: Actor, letter: Letter, reason: str = "", fmt: str = "") -> Letter:
    """A letter in full (it names the applicant, and may give their address): like any full view of
    personal data, only for the handling body's staff, with a reason, logged."""
    _log_reveal(
        actor=actor,
        application=letter.application,
        reason=reason,
        what={"letter": letter.number, "format": fmt},
    )
    return letter


def reveal_file(*, actor: Actor, record: ApplicationFile, reason: str = "") -> ApplicationFile:
    """An applicant's uploaded file (identity papers among them): a logged reveal with a reason."""
    _log_reveal(actor=actor, application=record.application, reason=reason, what={"file": record.filename})
    return record


def log_applicant_search(*, actor: Actor, term: str, reason: str) -> list[Organisation]:
    """A search by an applicant's full name, ID number or phone tells whose cases exist: like a
    reveal, it needs a reason and is logged, at each body where the user may see personal data in
    full (the only bodies it searches). The term is logged masked. Returns those bodies."""
    reason = strip_control_characters(reason or "").strip()[:200]
    if not reason:
        raise ValidationFailed(
            "按申请人完整信息查找须填写理由（将记入审计日志）。", code="reason_required", field="reason"
        )
    term = (term or "").strip()
    if not term:
        raise ValidationFailed("请填写申请人的姓名或名称、身份证明号码或联系电话。", code="required", field="applicant")
    bodies = policies.orgs_where(actor, "application.reveal")
    if not bodies:
        raise PermissionDenied("只有受理机关的工作人员可以按申请人的完整信息查找。", code="permission_denied")
    shown = selectors.mask_name(term) if not term[:1].isdigit() else selectors.mask_phone(term)
    with transaction.atomic():
        for org in bodies:
            audit.record(
                actor=actor,
                action="application.search_personal",
                obj=org,
                after={"term": shown},
                reason=reason,
                org_id=org.pk,
            )
    return bodies


def _log_reveal(*, actor: Actor, application: Application, reason: str, what: dict[str, Any]) -> None:
    policies.require(actor, "application.reveal", application.org)
    reason = strip_control_characters(reason or "").strip()[:200]
    if not reason:
        raise ValidationFailed("请填写查看理由（将记入审计日志）。", code="reason_required", field="reason")
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="application.reveal",
            obj=application,
            after=what,
            reason=reason,
            org_id=application.org_id,
        )
