"""公文公开属性: every document a body issues is registered with the disclosure attribute its
confidentiality review decided (Art. 17; 主动公开, 依申请公开, or 不予公开 with its reason under
Art. 14–16). Only metadata is kept here; a 主动公开 document is published through the catalogue and
linked. A 依申请公开 document that an application has obtained can be switched to 主动公开 in one step
(Art. 44), which opens its catalogue draft."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from gongkai.catalogue import services as catalogue
from gongkai.catalogue.models import (
    DisclosureAttribute,
    Document,
    DocumentState,
    IssuedDocument,
    Term,
    Vocabulary,
    WithholdingReason,
)
from gongkai.core import audit
from gongkai.core.errors import IllegalTransition, ValidationFailed
from gongkai.core.inputs import optional_text, past_date, required_text
from gongkai.core.types import Actor
from gongkai.orgs import policies
from gongkai.orgs.models import Organisation


def _own_item(org: Organisation, ref: str) -> Document:
    """The body's own catalogue item, by 索引号 (published) or workbench number (in preparation)."""
    ref = ref.strip()
    found = (
        Document.objects.filter(org=org, pk=int(ref)).first()
        if ref.isdigit() and len(ref) <= 12
        else Document.objects.filter(org=org, index_number=ref).first()
    )
    if found is None or found.state == DocumentState.WITHDRAWN:
        raise ValidationFailed(f"找不到本机关索引号或编号为“{ref[:40]}”的信息。", code="invalid_item", field="item")
    return found


@transaction.atomic
def issued_register(
    *,
    actor: Actor,
    org: Organisation,
    title: str,
    written_date: Any,
    attribute: str,
    doc_number: str = "",
    reason: str = "",
    note: str = "",
    item: str = "",
) -> IssuedDocument:
    """Register a document with its 公开属性. The confidentiality reviewer (保密审查) decides it, so the
    reviewer registers it; 不予公开 needs its reason, and a 主动公开 document may name the catalogue
    item that publishes it (or be linked later)."""
    user = policies.require(actor, "document.review", org)
    if attribute not in DisclosureAttribute.values:
        raise ValidationFailed("请选择公开属性。", code="invalid_choice", field="attribute")
    if attribute == DisclosureAttribute.WITHHELD:
        if reason not in WithholdingReason.values:
            raise ValidationFailed(
                "不予公开的，请选择理由（条例第十四条至第十六条）。", code="required", field="reason"
            )
    else:
        reason = ""
    number = optional_text(doc_number, "文号", "doc_number", 100)
    if number and IssuedDocument.objects.filter(org=org, doc_number=number).exists():
        raise ValidationFailed(f"文号“{number}”已经登记。", code="duplicate_number", field="doc_number")
    linked = _own_item(org, item) if str(item or "").strip() else None
    if linked is not None and attribute != DisclosureAttribute.PROACTIVE:
        raise ValidationFailed("只有主动公开的公文才关联公开的信息。", code="not_proactive", field="item")
    record = IssuedDocument.objects.create(
        org=org,
        title=required_text(title, "公文标题", "title", 500),
        doc_number=number,
        written_date=past_date(written_date, "written_date"),
        attribute=attribute,
        reason=reason,
        note=optional_text(note, "说明", "note", 300),
        item=linked,
        registered_by=user,
    )
    audit.record(
        actor=actor,
        action="issued_document.registered",
        obj=record,
        after={
            "title": record.title,
            "doc_number": number,
            "attribute": attribute,
            "reason": reason,
            "item": linked.pk if linked else None,
        },
        org_id=org.pk,
    )
    return record


@transaction.atomic
def issued_link(*, actor: Actor, record: IssuedDocument, item: str) -> IssuedDocument:
    """Link a 主动公开 document to the catalogue item that publishes it (the clerk, who publishes)."""
    record = IssuedDocument.objects.select_for_update().select_related("org").get(pk=record.pk)
    policies.require(actor, "document.create", record.org)
    if record.attribute != DisclosureAttribute.PROACTIVE:
        raise IllegalTransition("只有主动公开的公文才关联公开的信息。", code="not_proactive")
    linked = _own_item(record.org, required_text(item, "信息的索引号或编号", "item", 40))
    before = record.item_id
    record.item = linked
    record.save(update_fields=["item"])
    audit.record(
        actor=actor,
        action="issued_document.linked",
        obj=record,
        before={"item": before},
        after={"item": linked.pk},
        org_id=record.org_id,
    )
    return record


@transaction.atomic
def issued_make_proactive(*, actor: Actor, record: IssuedDocument, topic: str, basis: str) -> Document:
    """Art. 44: a 依申请公开 document that applications obtained (or an applicant suggested making
    public) becomes 主动公开. One step: the attribute changes (the former one is kept), and a catalogue
    draft is opened with the document's title, 文号 and 成文日期; it goes through the catalogue's own
    review and publication, Art. 26's 20 working days counted from this decision."""
    record = IssuedDocument.objects.select_for_update().select_related("org").get(pk=record.pk)
    policies.require(actor, "document.create", record.org)
    if record.attribute != DisclosureAttribute.ON_APPLICATION:
        raise IllegalTransition("只有依申请公开的公文才能转为主动公开（第四十四条）。", code="not_on_application")
    why = required_text(basis, "转为主动公开的依据（如申请编号）", "basis", 300)
    term = Term.objects.filter(vocabulary=Vocabulary.TOPIC, code=str(topic or ""), is_current=True).first()
    if term is None:
        raise ValidationFailed("请选择主题分类。", code="required", field="topic")
    day = timezone.localdate()
    draft = catalogue.document_create(
        actor=actor,
        org=record.org,
        title=record.title,
        doc_number=record.doc_number,
        written_date=record.written_date,
        formed_date=day,
        topic=term,
        body=f"本公文原为依申请公开，依照《中华人民共和国政府信息公开条例》第四十四条转为主动公开（{why}）。",
    )
    record.switched_from = record.attribute
    record.attribute = DisclosureAttribute.PROACTIVE
    record.switched_on = day
    record.switch_basis = why
    record.item = draft
    record.save(update_fields=["switched_from", "attribute", "switched_on", "switch_basis", "item"])
    audit.record(
        actor=actor,
        action="issued_document.made_proactive",
        obj=record,
        before={"attribute": record.switched_from},
        after={"attribute": record.attribute, "item": draft.pk, "basis": why},
        org_id=record.org_id,
    )
    return draft
