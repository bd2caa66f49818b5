"""Writing and reading audit events. Services call ``record``; pages call ``history_for``;
``verify_chain`` (``manage.py audit_verify``) checks that nothing was changed or removed."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from gongkai.core.models import AuditEvent
from gongkai.core.types import Actor, user_of

ACTION_LABELS = {
    "org.created": "创建机构",
    "org.updated": "修改机构信息",
    "membership.granted": "授予角色",
    "membership.revoked": "撤销角色",
    "calendar.day_set": "设置日历日",
    "calendar.day_removed": "删除日历日",
    "calendar.year_set": "设置年度日历",
    "calendar.package_loaded": "载入节假日安排",
    "job.retried": "重新执行失败的任务",
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
    "report.prepared": "编制年报",
    "report.imported": "从工作簿导入年报各表",
    "report.recomputed": "按记录重新计算年报",
    "report.entered": "录入其他系统数据",
    "report.overridden": "改动计算数字（附理由）",
    "report.text_edited": "修改年报正文",
    "report.review": "年报审核通过",
    "report.approve": "年报批准",
    "report.publish": "发布年报",
    "report.reject": "退回年报",
}


def register_labels(labels: Mapping[str, str]) -> None:
    """An app adds the labels of its own events at start-up (``AppConfig.ready``): the audit trail
    does not know every app's steps; their workflow tables name them."""
    for action, label in labels.items():
        ACTION_LABELS.setdefault(action, label)


# The key of the PostgreSQL advisory lock that orders appends to the chain ("gkaudit" in ASCII).
CHAIN_LOCK = 0x676B6175646974


def _jsonable(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")  # PostgreSQL's JSON cannot hold NUL
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


def event_hash(event: AuditEvent) -> str:
    """sha256 over the previous event's hash and this event's content, in a canonical JSON form that
    reads back the same from either database."""
    content = {
        "prev": event.prev_hash,
        "at": event.created_at.astimezone(dt.UTC).isoformat(),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_label": event.object_label,
        "org": event.org_id_ref,
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def record(
    *,
    actor: Actor | None,
    action: str,
    obj: models.Model,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
    org_id: int | None = None,
) -> AuditEvent:
    """Append one event. Call inside the service's transaction so event and change commit together.

    Appends are serialised (a transaction-scoped advisory lock on PostgreSQL; SQLite's write lock
    already does it), so that each event's predecessor is the last one committed: the lock is held
    until the surrounding transaction ends, which is short for every service."""
    return record_many(actor=actor, events=[Change(action, obj, before, after, reason, org_id)])[0]


@dataclass(frozen=True)
class Change:
    """One event of record_many: what record takes besides the actor."""

    action: str
    obj: models.Model
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    reason: str = ""
    org_id: int | None = None


def record_many(*, actor: Actor | None, events: Sequence[Change]) -> list[AuditEvent]:
    """Append several events in order, chained as ``record`` chains one, with one lock and one
    insert (a catalogue import records thousands a second)."""
    user = user_of(actor)
    label = (user.get_username() if user is not None else "system")[:150]
    now = timezone.now()
    made = [
        AuditEvent(
            created_at=now,
            actor=user,
            actor_label=label,
            action=change.action,
            object_type=change.obj._meta.label_lower,
            object_id=str(change.obj.pk),
            object_label=_jsonable(str(change.obj))[:300],
            org_id_ref=change.org_id,
            # Round-tripped as the database will return them, so the hash is reproducible.
            before=json.loads(json.dumps(_jsonable(dict(change.before or {})))),
            after=json.loads(json.dumps(_jsonable(dict(change.after or {})))),
            reason=_jsonable(change.reason),
        )
        for change in events
    ]
    if not made:
        return made
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        previous = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or ""
        for event in made:
            event.prev_hash = previous
            event.hash = previous = event_hash(event)
        if len(made) == 1:
            made[0].save()
        else:
            AuditEvent.objects.bulk_create(made)
    return made


@dataclass(frozen=True)
class ChainReport:
    checked: int
    unchained: int  # events from before the chain began
    first_break: AuditEvent | None
    problem: str
    head: str  # the last event's hash: keep a copy elsewhere to detect a cut-off tail


def verify_chain(batch: int = 5000) -> ChainReport:
    """Walk the trail in order, recomputing each hash; report the first event that does not fit."""
    checked = unchained = 0
    previous = ""
    chained = False
    for event in _in_order(batch):
        if not event.hash and not chained:
            unchained += 1
            continue
        chained = True
        checked += 1
        if event.prev_hash != previous:
            return ChainReport(checked, unchained, event, "前一事件的哈希不符：其前有事件被删除、插入或改动", previous)
        if event_hash(event) != event.hash:
            return ChainReport(checked, unchained, event, "内容与其哈希不符：该事件被改动", previous)
        previous = event.hash
    return ChainReport(checked, unchained, None, "", previous)


def _in_order(batch: int) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = list(AuditEvent.objects.filter(id__gt=last).order_by("id")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].id


def history_for(obj: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related("actor")


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Keep only the fields that differ, so an event shows what actually changed."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}
