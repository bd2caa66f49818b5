"""重点领域 columns: a body opens a column for a key area (from the 基层政务公开标准目录 areas and the
Art. 20/21 items, ``KeyArea``) with the update frequency it declares, and files its published items
into it; the portal shows the columns on the body's 政府信息公开 column, and a column not updated
within its frequency is flagged (``selectors.key_columns``; supervision counts it)."""

from __future__ import annotations

from django.db import transaction

from gongkai.catalogue.models import (
    AreaSource,
    ColumnEntry,
    Document,
    DocumentState,
    KeyArea,
    KeyColumn,
    UpdateFrequency,
)
from gongkai.core import audit
from gongkai.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from gongkai.core.inputs import optional_text, required_text
from gongkai.core.switches import switch_active
from gongkai.core.types import Actor
from gongkai.orgs import policies
from gongkai.orgs.models import Organisation

MAX_FILED_AT_ONCE = 500


@transaction.atomic
def column_open(*, actor: Actor, org: Organisation, area: str, frequency: str, name: str = "") -> KeyColumn:
    """Open a column (its name defaults to the area's; a name once per body)."""
    user = policies.require(actor, "document.create", org)
    found = KeyArea.objects.filter(code=str(area or ""), is_current=True).first()
    if found is None:
        raise ValidationFailed("请选择重点领域。", code="required", field="area")
    if frequency not in UpdateFrequency.values:
        raise ValidationFailed("请选择更新频率。", code="invalid_choice", field="frequency")
    title = optional_text(name, "栏目名称", "name", 100) or found.label[:100]
    if KeyColumn.objects.filter(org=org, name=title).exists():
        raise ValidationFailed(f"已有名为“{title}”的栏目。", code="duplicate_name", field="name")
    column = KeyColumn.objects.create(org=org, area=found, name=title, frequency=frequency, created_by=user)
    audit.record(
        actor=actor,
        action="key_column.opened",
        obj=column,
        after={"area": found.code, "name": title, "frequency": frequency},
        org_id=org.pk,
    )
    return column


@transaction.atomic
def column_file(*, actor: Actor, column: KeyColumn, items: list[str]) -> int:
    """File the body's published items (by 索引号) into the column; an item already there is left as
    it is. Returns how many were added. All or nothing: one unknown 索引号 files none."""
    column = KeyColumn.objects.select_for_update().select_related("org").get(pk=column.pk)
    user = policies.require(actor, "document.create", column.org)
    if not column.active:
        raise IllegalTransition("该栏目已停用。", code="column_closed")
    refs = list(dict.fromkeys(ref.strip() for ref in items if ref.strip()))
    if not refs:
        raise ValidationFailed("请填写要归入栏目的信息的索引号。", code="required", field="items")
    if len(refs) > MAX_FILED_AT_ONCE:
        raise ValidationFailed(f"一次最多归入{MAX_FILED_AT_ONCE}条信息。", code="too_many", field="items")
    found = {
        d.index_number: d
        for d in Document.objects.filter(org=column.org, state=DocumentState.PUBLISHED, index_number__in=refs)
    }
    missing = [ref for ref in refs if ref not in found]
    if missing:
        raise ValidationFailed(
            f"找不到本机关已发布的信息：{'、'.join(m[:40] for m in missing[:5])}"
            + ("等" if len(missing) > 5 else "")
            + "。",
            code="invalid_item",
            field="items",
        )
    already = set(ColumnEntry.objects.filter(column=column).values_list("document_id", flat=True))
    new = [found[ref] for ref in refs if found[ref].pk not in already]
    ColumnEntry.objects.bulk_create(ColumnEntry(column=column, document=d, filed_by=user) for d in new)
    audit.record(
        actor=actor,
        action="key_column.filed",
        obj=column,
        after={"items": [d.index_number for d in new]},
        org_id=column.org_id,
    )
    return len(new)


@transaction.atomic
def column_unfile(*, actor: Actor, column: KeyColumn, document: Document) -> None:
    """Take an item out of the column (filed by mistake); the item itself is unchanged."""
    column = KeyColumn.objects.select_for_update().select_related("org").get(pk=column.pk)
    policies.require(actor, "document.create", column.org)
    deleted, _ = ColumnEntry.objects.filter(column=column, document=document).delete()
    if not deleted:
        raise IllegalTransition("该信息不在这个栏目中。", code="not_filed")
    audit.record(
        actor=actor,
        action="key_column.unfiled",
        obj=column,
        before={"item": document.index_number},
        org_id=column.org_id,
    )


@transaction.atomic
def column_set_active(*, actor: Actor, column: KeyColumn, active: bool) -> KeyColumn:
    """Close a column (no longer shown or flagged; its items stay filed) or reopen it."""
    return switch_active(
        KeyColumn,
        column.pk,
        active=active,
        actor=actor,
        event="key_column",
        label="栏目",
        check=lambda row: policies.require(actor, "document.create", row.org),
    )


@transaction.atomic
def key_area_save(
    *, actor: Actor, code: str, label: str, source: str, position: int = 0, is_current: bool = True
) -> KeyArea:
    """Add a key area to the shared list, or change one (by its code): the national administrator's
    data, edited in the admin. Retiring (``is_current=False``) hides it from new columns; the columns
    already open keep it."""
    if not policies.can_edit_national_lists(actor):
        raise PermissionDenied("只有全国（根机构）管理员可以维护重点领域目录。", code="permission_denied")
    code = required_text(code, "代码", "code", 20)
    if source not in AreaSource.values:
        raise ValidationFailed("请选择出处。", code="invalid_choice", field="source")
    area = KeyArea.objects.select_for_update().filter(code=code).first()
    before = None if area is None else {"label": area.label, "source": area.source, "is_current": area.is_current}
    area = area or KeyArea(code=code)
    area.label = required_text(label, "名称", "label", 100)
    area.source, area.position, area.is_current = source, position, bool(is_current)
    area.save()
    audit.record(
        actor=actor,
        action="key_area.saved",
        obj=area,
        before=before,
        after={"label": area.label, "source": source, "is_current": area.is_current},
    )
    return area
