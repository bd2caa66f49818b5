"""Writes to the catalogue. Every function takes the acting user, checks the policy, validates,
writes inside one transaction and leaves an audit event."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gongkai.calendars.services import WorkingCalendar
from gongkai.catalogue import hooks, workflow
from gongkai.catalogue.attachments import check_and_extract
from gongkai.catalogue.doc_numbers import parse_doc_number
from gongkai.catalogue.index_numbers import issue_index_number
from gongkai.catalogue.models import (
    Attachment,
    Document,
    DocumentState,
    Instrument,
    InterpretationForm,
    Interpreter,
    Term,
    Validity,
    Vocabulary,
)
from gongkai.core import audit
from gongkai.core.errors import IllegalTransition, ValidationFailed
from gongkai.core.text import clean_filename, normalise_for_match
from gongkai.core.types import Actor, user_of
from gongkai.core.workflow import Step, Transition, lock, run_transition
from gongkai.orgs import policies
from gongkai.orgs.models import Organisation

# Items still in the publication workflow (an interpretation may name its policy from the start).
OPEN_STATES = (DocumentState.DRAFT, DocumentState.SUBMITTED, DocumentState.REVIEWED, DocumentState.APPROVED)

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
    "interprets",
    "interpretation_form",
    "interpreter",
    "video_url",
)
AUDITED_FIELDS = (*EDITABLE_FIELDS, "state", "index_number", "published_date", "publisher_name")


def snapshot(doc: Document) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in AUDITED_FIELDS:
        value = getattr(doc, name)
        if isinstance(value, Term):
            value = value.code
        elif isinstance(value, Document):
            value = value.index_number or f"#{value.pk}"
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
    _validate_interpretation(doc)
    parsed = parse_doc_number(doc.doc_number or "")
    doc.doc_number = (doc.doc_number or "").strip()
    doc.doc_number_code = parsed.code[:60]
    doc.doc_number_year = parsed.year
    doc.doc_number_serial = parsed.number
    doc.doc_number_key = normalise_for_match(parsed.canonical or doc.doc_number)[:120]


def _validate_interpretation(doc: Document) -> None:
    """A 政策解读 names the policy it interprets and how; an item that is not one names neither."""
    if doc.interpretation_form not in InterpretationForm.values:
        raise ValidationFailed("解读形式不正确。", code="invalid_choice", field="interpretation_form")
    if doc.interpreter not in Interpreter.values:
        raise ValidationFailed("解读主体不正确。", code="invalid_choice", field="interpreter")
    doc.video_url = (doc.video_url or "").strip()
    if doc.video_url and not doc.video_url.startswith(("https://", "http://")):
        raise ValidationFailed("视频地址应以 https:// 或 http:// 开头。", code="invalid_url", field="video_url")
    if doc.interprets_id is None:
        if doc.interpretation_form or doc.interpreter:
            raise ValidationFailed("请填写所解读的政策文件的索引号。", code="required", field="interprets")
        return
    if doc.pk is not None and doc.interprets_id == doc.pk:
        raise ValidationFailed("一份信息不能解读它自己。", code="invalid_policy", field="interprets")
    if not doc.interpretation_form:
        raise ValidationFailed("请选择解读形式。", code="required", field="interpretation_form")
    if doc.interpretation_form == InterpretationForm.VIDEO and not doc.video_url:
        raise ValidationFailed("视频解读须填写视频地址。", code="required", field="video_url")


def resolve_policy(actor: Actor | None, org: Organisation, value: Any) -> Document | None:
    """The item an interpretation names: by its 索引号 any published item, or, by its number in the
    workbench, one of the body's own still in preparation (三同步: the interpretation is drafted with
    the policy, before the policy has an index number)."""
    ref = (value.index_number or str(value.pk)) if isinstance(value, Document) else str(value or "").strip()
    if not ref:
        return None
    visible = Q(state=DocumentState.PUBLISHED) | Q(org=org, state__in=OPEN_STATES)
    if ref.isdigit() and len(ref) <= 12:
        found = Document.objects.filter(visible, pk=int(ref)).first()
    else:
        found = Document.objects.filter(visible, index_number=ref).first()
    if found is None:
        raise ValidationFailed(
            f"找不到“{ref[:40]}”：请填写已发布政策文件的索引号，或本机关办理中文件的工作台编号。",
            code="invalid_policy",
            field="interprets",
        )
    if found.interprets_id is not None:
        raise ValidationFailed(
            "该信息本身是一份解读，请填写它所解读的政策文件。", code="invalid_policy", field="interprets"
        )
    return found


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
    if "interprets" in fields:
        fields["interprets"] = resolve_policy(actor, org, fields["interprets"])
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
    if "interprets" in changes:
        changes["interprets"] = resolve_policy(actor, doc.org, changes["interprets"])
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
            policy = doc.interprets
            if policy is not None and policy.state != DocumentState.PUBLISHED:
                # 三同步: the interpretation goes out with its policy or after it, never before.
                raise IllegalTransition(
                    f"所解读的政策文件《{policy.title[:60]}》尚未发布；解读应与它同步发布或在其后发布。",
                    code="policy_not_published",
                )
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
