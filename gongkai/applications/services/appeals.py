"""Reconsideration and litigation against a reply (Art. 51): table 四's records."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from gongkai.applications import clock
from gongkai.applications.models import (
    Appeal,
    AppealKind,
    AppealResult,
    Application,
)
from gongkai.core import audit
from gongkai.core.errors import ValidationFailed
from gongkai.core.types import Actor
from gongkai.orgs import policies

# --- appeals (Art. 51) --------------------------------------------------------------------------


@transaction.atomic
def appeal_record(
    *, actor: Actor, application: Application, kind: str, filed_on: dt.date, authority: str, case_number: str = ""
) -> Appeal:
    policies.require(actor, "appeal.record", application.org)
    if kind not in AppealKind.values:
        raise ValidationFailed("请选择行政复议或行政诉讼的类型。", code="required", field="kind")
    if application.replied_on is None:
        raise ValidationFailed("申请尚未答复或终止，不能登记行政复议、行政诉讼。", code="not_replied", field="kind")
    if filed_on < application.replied_on or filed_on > clock.today():
        raise ValidationFailed("申请或起诉日期应在答复之后、今天之前。", code="invalid_date", field="filed_on")
    authority = (authority or "").strip()
    if not authority:
        raise ValidationFailed("请填写复议机关或受理法院。", code="required", field="authority")
    appeal = Appeal.objects.create(
        application=application,
        org=application.org,
        kind=kind,
        filed_on=filed_on,
        authority=authority[:100],
        case_number=(case_number or "").strip()[:100],
    )
    audit.record(
        actor=actor,
        action="appeal.recorded",
        obj=appeal,
        after={"kind": kind, "filed_on": filed_on, "authority": authority, "application": application.tracking_code},
        org_id=application.org_id,
    )
    return appeal


@transaction.atomic
def appeal_decide(*, actor: Actor, appeal: Appeal, result: str, decided_on: dt.date | None, note: str = "") -> Appeal:
    appeal = Appeal.objects.select_for_update(of=("self",)).select_related("org").get(pk=appeal.pk)
    policies.require(actor, "appeal.record", appeal.org)
    if result not in AppealResult.values:
        raise ValidationFailed("请选择结果。", code="required", field="result")
    if result == AppealResult.PENDING:
        decided_on = None
    elif decided_on is None or decided_on < appeal.filed_on or decided_on > clock.today():
        raise ValidationFailed("审结日期应在申请或起诉之后、今天之前。", code="invalid_date", field="decided_on")
    before = {"result": appeal.result, "decided_on": appeal.decided_on}
    appeal.result = result
    appeal.decided_on = decided_on
    appeal.note = (note or "").strip()
    appeal.save()
    audit.record(
        actor=actor,
        action="appeal.decided",
        obj=appeal,
        before=before,
        after={"result": result, "decided_on": decided_on},
        reason=appeal.note,
        org_id=appeal.org_id,
    )
    return appeal
