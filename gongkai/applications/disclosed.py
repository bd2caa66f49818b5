"""Services for the information a reply discloses (Art. 36(1)(2), Art. 37).

The clerk attaches it to the case before the reply: files (the documents themselves, or the
disclosable part of them for a partial reply), or items already in the catalogue (the usual answer
of Art. 36(1), "已经主动公开"). The reply letter lists them; the applicant downloads the files from
the tracking page once the reply is issued; the handling body's staff from the workbench. Nothing
can be added or removed after the reply: what the letter lists is what was provided.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction

from gongkai.applications.models import Application, ReplyDocument, State
from gongkai.applications.uploads import Upload, check_upload
from gongkai.catalogue.models import Document, DocumentState
from gongkai.core import audit
from gongkai.core.errors import IllegalTransition, NotFound, ValidationFailed
from gongkai.core.text import clean_filename
from gongkai.core.types import Actor
from gongkai.orgs import policies

# Reply types that provide information, and so may carry it (Art. 36(1)(2), 37).
PROVIDING = ("PUBLIC_ALREADY", "DISCLOSE", "PARTIAL")
MAX_DOCUMENTS = 50
EDITABLE_STATES = (State.RECEIVED, State.IN_REVIEW, State.CONSULTING, State.FEE_NOTICE_SENT, State.CORRECTION_REQUESTED)


def _locked(application: Application, actor: Actor) -> tuple[Application, User]:
    """The case, locked, and the clerk who may attach to it (as the account the document names)."""
    app = Application.objects.select_for_update(of=("self",)).select_related("org").get(pk=application.pk)
    clerk = policies.require(actor, "application.handle", app.org)
    if app.state not in EDITABLE_STATES:
        raise IllegalTransition("答复已经作出，答复提供的政府信息不能再增减。", code="already_replied")
    if app.reply_documents.count() >= MAX_DOCUMENTS:
        raise ValidationFailed(f"一件申请最多附{MAX_DOCUMENTS}项政府信息。", code="too_many_files", field="files")
    return app, clerk


def add_files(*, actor: Actor, application: Application, uploads: list[Upload]) -> list[ReplyDocument]:
    """Attach files to the coming reply. Each is checked like an applicant's upload (type told by
    content, size limit); if one fails, none is kept."""
    if not uploads:
        raise ValidationFailed("请选择要附上的文件。", code="required", field="files")
    for upload in uploads:
        check_upload(upload)
    written: list[tuple[Any, str]] = []
    try:
        with transaction.atomic():
            app, clerk = _locked(application, actor)
            docs = []
            for upload in uploads:
                name = clean_filename(upload.name)
                doc = ReplyDocument(
                    application=app, title=name, size=len(upload.data), sha256=upload.sha256, added_by=clerk
                )
                doc.file.save(name, ContentFile(upload.data), save=False)
                written.append((doc.file.storage, str(doc.file.name)))
                doc.save()
                docs.append(doc)
            audit.record(
                actor=actor,
                action="application.document_added",
                obj=app,
                after={"files": [d.title for d in docs]},
                org_id=app.org_id,
            )
    except BaseException:
        # Storage is not transactional: a failed attachment leaves no file behind.
        for storage, name in written:
            storage.delete(name)
        raise
    return docs


@transaction.atomic
def add_item(*, actor: Actor, application: Application, reference: str) -> ReplyDocument:
    """Attach a published catalogue item, found by its 索引号 or its number in the catalogue."""
    reference = (reference or "").strip()
    if not reference:
        raise ValidationFailed("请填写目录信息的索引号。", code="required", field="item")
    found = Document.objects.filter(index_number=reference)
    if reference.isdigit() and len(reference) <= 18:
        found = Document.objects.filter(index_number=reference) | Document.objects.filter(pk=int(reference))
    item = found.select_related("org").first()
    if item is None:
        raise ValidationFailed(f"目录中没有索引号为“{reference[:40]}”的信息。", code="item_not_found", field="item")
    if item.state != DocumentState.PUBLISHED:
        raise ValidationFailed(
            "只能附上已经公开的目录信息；尚未公开的信息请以文件形式附上。", code="item_not_public", field="item"
        )
    app, clerk = _locked(application, actor)
    if app.reply_documents.filter(item=item).exists():
        raise ValidationFailed("该目录信息已经附上。", code="duplicate", field="item")
    doc = ReplyDocument.objects.create(application=app, item=item, title=item.title[:500], added_by=clerk)
    audit.record(
        actor=actor,
        action="application.document_added",
        obj=app,
        after={"item": item.index_number or item.pk, "title": item.title[:100]},
        org_id=app.org_id,
    )
    return doc


@transaction.atomic
def remove(*, actor: Actor, document: ReplyDocument) -> None:
    app, _ = _locked(document.application, actor)
    doc = app.reply_documents.filter(pk=document.pk).first()
    if doc is None:
        raise NotFound("没有找到该项政府信息。", code="not_found")
    if doc.file:
        storage, name = doc.file.storage, str(doc.file.name)
        # After the commit only: a removal that is rolled back must still find its file.
        transaction.on_commit(lambda: storage.delete(name))
    doc.delete()
    audit.record(
        actor=actor, action="application.document_removed", obj=app, before={"title": doc.title}, org_id=app.org_id
    )


def check_for_reply(app: Application, reply_type: str, text: str) -> None:
    """What a reply must carry (Art. 36(1)(2), 37): information that is provided is attached, or
    the letter says how, where and when to obtain it; a reply that provides nothing carries none."""
    count = app.reply_documents.count()
    if reply_type in PROVIDING:
        if not count and not text:
            raise ValidationFailed(
                "请附上提供的政府信息（文件或已公开的目录信息），或在答复内容中写明获取的方式、途径和时间。",
                code="documents_required",
                field="text",
            )
    elif count:
        raise ValidationFailed(
            "该答复类型不提供政府信息，请先移除已附上的文件或目录信息。",
            code="documents_not_allowed",
            field="reply_type",
        )
