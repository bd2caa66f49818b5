"""Writes to the catalogue. Every function takes the acting user, checks the policy, validates,
writes inside one transaction and leaves an audit event."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from gongkai.calendars.services import WorkingCalendar
from gongkai.catalogue import hooks, workflow
from gongkai.catalogue.attachments import check_and_extract
from gongkai.catalogue.doc_numbers import parse_doc_number
from gongkai.catalogue.index_numbers import issue_index_number
from gongkai.catalogue.models import Attachment, Document, DocumentState, Instrument, Term, Validity, Vocabulary
from gongkai.core import audit
from gongkai.core.errors import IllegalTransition, ValidationFailed
from gongkai.core.text import clean_filename, normalise_for_match
from gongkai.core.types import Actor, user_of
from gongkai.core.workflow import Step, Transition, lock, run_transition
from gongkai.orgs import policies
from gongkai.orgs.models import Organisation

EDITABLE_FIELDS = (
    "title",
    "summary",
    "doc_number",
    "written_date",
    "topic",
    "genre",
    "art20_item",
    "disclosure_method",
    "validity",
    "instrument",
    "effective_date",
    "amended_date",
    "repealed_date",
    "keywords",
    "body",
    "formed_date",
    "disclosure_period_days",
)
AUDITED_FIELDS = (*EDITABLE_FIELDS, "state", "index_number", "published_date", "publisher_name")


def snapshot(doc: Document) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in AUDITED_FIELDS:
        value = getattr(doc, name)
        if isinstance(value, Term):
            value = value.code
        if name == "body" and value:
            # The body can be long; the trail keeps its fingerprint, not a copy.
            value = "sha256:" + hashlib.sha256(value.encode()).hexdigest()[:16]
        data[name] = value
    return data


def _check_term(value: Any, vocabulary: str, label: str, required: bool) -> None:
    if value is None:
        if required:
            raise ValidationFailed(f"请选择{label}。", code="required", field=vocabulary)
        return
    if not isinstance(value, Term) or value.vocabulary != vocabulary:
        raise ValidationFailed(f"{label}不正确。", code="invalid_term", field=vocabulary)


def validate_document(doc: Document) -> None:
    """Check and normalise an item's metadata in place (also used by the importer)."""
    doc.title = (doc.title or "").strip()
    if not doc.title:
        raise ValidationFailed("请填写名称。", code="required", field="title")
    if len(doc.title) > 500:
        raise ValidationFailed("名称不能超过500个字。", code="too_long", field="title")
    if doc.formed_date is None:
        raise ValidationFailed("请填写信息形成（变更）日期。", code="required", field="formed_date")
    if not 1 <= doc.disclosure_period_days <= 365:
        raise ValidationFailed("公开时限应为1至365个工作日。", code="invalid_period", field="disclosure_period_days")
    _check_term(doc.topic if doc.topic_id else None, Vocabulary.TOPIC, "主题分类", required=True)
    _check_term(doc.genre if doc.genre_id else None, Vocabulary.GENRE, "体裁", required=False)
    _check_term(doc.art20_item if doc.art20_item_id else None, Vocabulary.ART20, "公开事项", required=False)
    if doc.validity not in Validity.values:
        raise ValidationFailed("有效性不正确。", code="invalid_choice", field="validity")
    if doc.instrument not in Instrument.values:
        raise ValidationFailed("“规章或规范性文件”不正确。", code="invalid_choice", field="instrument")
    if doc.validity == Validity.REPEALED and doc.repealed_date is None:
        raise ValidationFailed("已废止的信息须填写废止日期。", code="required", field="repealed_date")
    if doc.validity == Validity.AMENDED and doc.amended_date is None:
        raise ValidationFailed("已修改的信息须填写修改日期。", code="required", field="amended_date")
    parsed = parse_doc_number(doc.doc_number or "")
    doc.doc_number = (doc.doc_number or "").strip()
    doc.doc_number_code = parsed.code[:60]
    doc.doc_number_year = parsed.year
    doc.doc_number_serial = parsed.number
    doc.doc_number_key = normalise_for_match(parsed.canonical or doc.doc_number)[:120]


def compute_publish_due(doc: Document, calendar: WorkingCalendar | None = None) -> None:
    """第二十六条: due = formed/changed date + N working days (N = 20 unless a law says otherwise)."""
    cal = calendar or WorkingCalendar(doc.org)
    result = cal.add_working_days(doc.formed_date, doc.disclosure_period_days)
    doc.publish_due = result.due
    doc.publish_due_provisional = result.provisional
    doc.publish_due_explanation = result.as_dict()


@transaction.atomic
def document_create(*, actor: Actor, org: Organisation, **fields: Any) -> Document:
    policies.require(actor, "document.create", org)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(f"未知字段：{', '.join(sorted(unknown))}", code="unknown_field")
    doc = Document(org=org, created_by=user_of(actor), state=DocumentState.DRAFT, **fields)
    validate_document(doc)
    compute_publish_due(doc)
    doc.save()
    audit.record(actor=actor, action="document.created", obj=doc, after=snapshot(doc), org_id=org.pk)
    return doc


@transaction.atomic
def document_update(*, actor: Actor, document: Document, **changes: Any) -> Document:
    doc = Document.objects.select_for_update(of=("self",)).select_related("org").get(pk=document.pk)
    policies.require(actor, "document.edit", doc.org)
    if doc.state != DocumentState.DRAFT:
        raise IllegalTransition(f"“{doc.get_state_display()}”状态的信息不能修改；请先退回为草稿。", code="not_editable")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(f"未知字段：{', '.join(sorted(unknown))}", code="unknown_field")
    before = snapshot(doc)
    for key, value in changes.items():
        setattr(doc, key, value)
    validate_document(doc)
    compute_publish_due(doc)
    doc.save()
    b, a = audit.changed_fields(before, snapshot(doc))
    if a:
        audit.record(actor=actor, action="document.updated", obj=doc, before=b, after=a, org_id=doc.org_id)
    return doc


@transaction.atomic
def document_transition(*, actor: Actor, document: Document, action: str, **params: Any) -> Document:
    """The single entry point for workflow steps (``workflow.TRANSITIONS``); ``params`` are ``reason``
    and ``on`` (the day, default today). An illegal step raises and changes nothing."""
    doc = lock(Document, document.pk)

    def authorise(step: Transition) -> None:
        policies.require(actor, step.permission, doc.org)

    def handle(step: Step) -> None:
        if action == "publish":
            doc.published_date = step.on
            doc.published_at = timezone.now()
            doc.publisher_name = doc.org.name
            if not doc.index_number:
                doc.index_number = issue_index_number(doc.org, step.on.year)
            compute_publish_due(doc)
            doc.published_late = doc.publish_due is not None and step.on > doc.publish_due
        elif action == "reject":
            doc.last_rejection_reason = step.reason
        elif action == "withdraw":
            doc.withdrawal_reason = step.reason
        elif action == "revoke":
            if doc.validity == Validity.REPEALED:
                raise IllegalTransition("该信息已经废止。", code="already_repealed")
            doc.validity = Validity.REPEALED
            doc.repealed_date = step.on

    run_transition(
        workflow.DOCUMENT,
        doc,
        action=action,
        actor=actor,
        raw=params,
        today=timezone.localdate(),
        authorise=authorise,
        handle=handle,
        snapshot=snapshot,
    )
    # Listeners (the search index) change in the same transaction: published items in, others out.
    hooks.changed(doc)
    return doc


def attachment_add(*, actor: Actor, document: Document, name: str, data: bytes) -> Attachment:
    """Check and extract first; then store file and row together, or neither."""
    policies.require(actor, "document.edit", document.org)
    if document.state != DocumentState.DRAFT:
        raise IllegalTransition("只有草稿可以添加附件。", code="not_editable")
    name = clean_filename(name.replace("/", "_").replace("\\", "_")) or "附件"
    checked = check_and_extract(name, data)
    digest = hashlib.sha256(data).hexdigest()
    att = Attachment(
        document=document,
        original_name=clean_filename(name, max_bytes=255)[:255],
        kind=checked.kind,
        size=len(data),
        sha256=digest,
        extracted_text=checked.text,
    )
    stored: list[str] = []
    try:
        with transaction.atomic():
            att.file.save(name, ContentFile(data), save=False)
            stored.append(att.file.name or "")
            att.save()
            audit.record(
                actor=actor,
                action="attachment.added",
                obj=document,
                after={"attachment": name, "size": len(data), "sha256": digest},
                org_id=document.org_id,
            )
    except BaseException:
        for path in stored:
            att.file.storage.delete(path)
        raise
    return att


@transaction.atomic
def attachment_remove(*, actor: Actor, attachment: Attachment) -> None:
    document = attachment.document
    policies.require(actor, "document.edit", document.org)
    if document.state != DocumentState.DRAFT:
        raise IllegalTransition("只有草稿可以删除附件。", code="not_editable")
    path = attachment.file.name or ""
    audit.record(
        actor=actor,
        action="attachment.removed",
        obj=document,
        before={"attachment": attachment.original_name, "sha256": attachment.sha256},
        org_id=document.org_id,
    )
    attachment.delete()
    transaction.on_commit(lambda: attachment.file.storage.delete(path))
