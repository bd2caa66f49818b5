"""Writing and reading audit events. Services call ``record``; pages call ``history_for``."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Mapping
from typing import Any

from django.db import models

from gongkai.core.models import AuditEvent

ACTION_LABELS = {
    "org.created": "创建机构",
    "org.updated": "修改机构信息",
    "membership.granted": "授予角色",
    "membership.revoked": "撤销角色",
    "calendar.day_set": "设置日历日",
    "calendar.day_removed": "删除日历日",
    "calendar.year_set": "设置年度日历",
    "calendar.package_loaded": "载入节假日安排",
    "document.created": "创建草稿",
    "document.updated": "修改草稿",
    "document.submit": "提交审核",
    "document.review": "保密审查通过",
    "document.approve": "领导审批通过",
    "document.publish": "发布",
    "document.reject": "退回修改",
    "document.withdraw": "撤回",
    "document.revoke": "废止",
    "document.imported": "导入",
    "document.import_updated": "导入更新",
    "attachment.added": "上传附件",
    "attachment.removed": "删除附件",
}


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
    org_id: int | None = None,
) -> AuditEvent:
    """Append one event. Call inside the service's transaction so event and change commit together."""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if is_user else None,
        actor_label=(actor.get_username() if is_user else "system")[:150],
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_label=str(obj)[:300],
        org_id_ref=org_id,
        before=_jsonable(dict(before or {})),
        after=_jsonable(dict(after or {})),
        reason=reason,
    )


def history_for(obj: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related("actor")


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Keep only the fields that differ, so an event shows what actually changed."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}
