"""Issue 18 §2 and §6: a reply carries the information it discloses, and goes out only after the
clerk has seen the letter as it will be sent.

Services are exercised directly, the pages through Django's test client; the browser test is in
test_browser.py (``test_a_reply_with_a_file_is_previewed_confirmed_and_downloaded``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse

from gongkai.applications import clock, disclosed, notify, services
from gongkai.applications.models import Application, Letter, LetterKind, ReplyDocument, State
from gongkai.applications.uploads import Upload
from gongkai.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent
from gongkai.portal.apply_views import SESSION_KEY
from tests.conftest import World, draft, publish
from tests.test_applications import PNG, RECEIVED, TODAY, applicant

PDF = b"%PDF-1.4\n% disclosed\n" + b"0" * 200


@pytest.fixture
def case(world: World, monkeypatch: pytest.MonkeyPatch, settings: Any) -> Application:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return services.submit_online(org=world.edu, applicant=applicant(), secret="my-secret", today=RECEIVED).application


def reply(app: Application, clerk: Any, **params: Any) -> Application:
    return services.transition(actor=clerk, application=app, action="reply", on=dt.date(2026, 11, 20), **params)


def test_files_and_catalogue_items_are_listed_in_the_reply_letter(world: World, case: Application) -> None:
    clerk = world.user("edu_clerk")
    docs = disclosed.add_files(actor=clerk, application=case, uploads=[Upload("2025年预算.pdf", PDF)])
    item = publish(world, draft(world, title="2025年部门预算公开说明"))
    disclosed.add_item(actor=clerk, application=case, reference=item.index_number)
    assert [d.title for d in case.reply_documents.all()] == ["2025年预算.pdf", "2025年部门预算公开说明"]
    assert docs[0].file.read() == PDF and docs[0].sha256
    app = reply(case, clerk, reply_type="DISCLOSE")
    body = app.letters.get(kind=LetterKind.REPLY).body
    assert "现向您提供该政府信息，见本答复书所列材料。" in body[2]
    assert "附件：" in body
    assert any(line.startswith("1. 2025年预算.pdf") for line in body)
    listed = next(line for line in body if line.startswith("2. 2025年部门预算公开说明"))
    assert item.index_number in listed and f"/xxgk/edu/content/{item.pk}/" in listed
    assert "（或" not in "".join(body)  # no unresolved alternative left in the text
    events = AuditEvent.objects.filter(action="application.document_added", object_id=str(case.pk))
    assert events.count() == 2


def test_a_disclosing_reply_needs_the_information_or_how_to_get_it(world: World, case: Application) -> None:
    clerk = world.user("edu_clerk")
    with pytest.raises(ValidationFailed) as err:
        reply(case, clerk, reply_type="DISCLOSE")
    assert err.value.code == "documents_required"
    # Said in words (paper by post, say), the reply may go without files.
    app = reply(case, clerk, reply_type="DISCLOSE", text="纸质文本已于2026年11月20日以挂号信寄出。")
    body = app.letters.get(kind=LetterKind.REPLY).body[2]
    assert body.endswith("现告知您获取该政府信息的方式、途径和时间：纸质文本已于2026年11月20日以挂号信寄出。")


def test_a_reply_that_provides_nothing_cannot_carry_documents(world: World, case: Application) -> None:
    clerk = world.user("edu_clerk")
    disclosed.add_files(actor=clerk, application=case, uploads=[Upload("a.pdf", PDF)])
    with pytest.raises(ValidationFailed) as err:
        reply(case, clerk, reply_type="NOT_EXIST")
    assert err.value.code == "documents_not_allowed"
    assert Application.objects.get(pk=case.pk).state == State.RECEIVED


def test_nothing_is_added_or_removed_after_the_reply(world: World, case: Application) -> None:
    clerk = world.user("edu_clerk")
    (doc,) = disclosed.add_files(actor=clerk, application=case, uploads=[Upload("a.pdf", PDF)])
    reply(case, clerk, reply_type="DISCLOSE")
    with pytest.raises(IllegalTransition) as err:
        disclosed.add_files(actor=clerk, application=case, uploads=[Upload("b.pdf", PDF)])
    assert err.value.code == "already_replied"
    with pytest.raises(IllegalTransition):
        disclosed.remove(actor=clerk, document=doc)
    assert case.reply_documents.count() == 1


def test_only_the_handling_body_attaches_and_only_published_items(world: World, case: Application) -> None:
    with pytest.raises(PermissionDenied):
        disclosed.add_files(actor=world.user("health_clerk"), application=case, uploads=[Upload("a.pdf", PDF)])
    clerk = world.user("edu_clerk")
    unpublished = draft(world, title="尚未公开的草稿")
    with pytest.raises(ValidationFailed) as err:
        disclosed.add_item(actor=clerk, application=case, reference=str(unpublished.pk))
    assert err.value.code == "item_not_public"
    with pytest.raises(ValidationFailed) as err:
        disclosed.add_item(actor=clerk, application=case, reference="no-such-index")
    assert err.value.code == "item_not_found"
    # A file of a type that is not allowed, among good ones: none of them is kept.
    with pytest.raises(ValidationFailed) as err:
        disclosed.add_files(
            actor=clerk, application=case, uploads=[Upload("a.pdf", PDF), Upload("b.exe", b"MZ" + b"0" * 20)]
        )
    assert err.value.code == "file_type_not_allowed"
    assert case.reply_documents.count() == 0


def test_removing_a_file_deletes_it_from_storage(
    world: World, case: Application, django_capture_on_commit_callbacks: Any
) -> None:
    clerk = world.user("edu_clerk")
    (doc,) = disclosed.add_files(actor=clerk, application=case, uploads=[Upload("a.png", PNG)])
    storage, name = doc.file.storage, doc.file.name
    assert storage.exists(name)
    with pytest.raises(RuntimeError), transaction.atomic():
        disclosed.remove(actor=clerk, document=doc)
        raise RuntimeError("rolled back")
    assert storage.exists(name) and ReplyDocument.objects.filter(pk=doc.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        disclosed.remove(actor=clerk, document=doc)
    assert not storage.exists(name) and not ReplyDocument.objects.filter(pk=doc.pk).exists()


def test_the_reply_mail_lists_the_information_and_links_items(world: World, case: Application) -> None:
    clerk = world.user("edu_clerk")
    item = publish(world, draft(world, title="2025年部门预算公开说明"))
    disclosed.add_item(actor=clerk, application=case, reference=item.index_number)
    disclosed.add_files(actor=clerk, application=case, uploads=[Upload("明细.pdf", PDF)])
    mail.outbox.clear()
    reply(case, clerk, reply_type="PUBLIC_ALREADY")
    letter = case.letters.get(kind=LetterKind.REPLY)
    notify.send_letter_notice(letter.pk)  # the on_commit hook does not run inside a test transaction
    (message,) = mail.outbox
    assert "本次答复提供的政府信息" in message.body
    assert f"/xxgk/edu/content/{item.pk}/" in message.body
    assert "明细.pdf（登录上述平台后下载）" in message.body
    assert case.id_number not in message.body


def test_preview_composes_the_letter_and_saves_and_sends_nothing(world: World, case: Application) -> None:
    clerk = world.user("edu_clerk")
    disclosed.add_files(actor=clerk, application=case, uploads=[Upload("a.pdf", PDF)])
    events, letters_before = AuditEvent.objects.count(), Letter.objects.count()
    mail.outbox.clear()
    (shown,) = services.preview(
        actor=clerk, application=case, action="reply", on=dt.date(2026, 11, 20), reply_type="DISCLOSE"
    )
    assert shown.kind == LetterKind.REPLY and "附件：" in shown.body
    assert (AuditEvent.objects.count(), Letter.objects.count(), len(mail.outbox)) == (events, letters_before, 0)
    assert Application.objects.get(pk=case.pk).state == State.RECEIVED
    app = reply(case, clerk, reply_type="DISCLOSE")
    issued = app.letters.get(kind=LetterKind.REPLY)
    assert (issued.title, issued.body, issued.number) == (shown.title, shown.body, shown.number)
    # The preview runs every check the step runs, with the same codes.
    with pytest.raises(IllegalTransition):
        services.preview(actor=clerk, application=app, action="reply", reply_type="DISCLOSE")


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"reply_type": "NOT_THIS_BODY"}, "competent_body_required"),
        ({"reply_type": "PARTIAL", "text": "见附件"}, "withheld_required"),
        ({"reply_type": "WITHHOLD", "text": "理由"}, "outcome_mismatch"),
        ({"reply_type": "WITHHOLD", "outcome": "D6"}, "required"),
        ({"reply_type": "NOT_EXIST", "competent_body": "某局"}, "competent_body_not_allowed"),
    ],
)
def test_each_reply_type_requires_what_its_letter_needs(
    world: World, case: Application, params: dict[str, Any], code: str
) -> None:
    with pytest.raises(ValidationFailed) as err:
        services.preview(actor=world.user("edu_clerk"), application=case, action="reply", **params)
    assert err.value.code == code


def test_a_competent_body_that_cannot_be_determined_is_said_so(world: World, case: Application) -> None:
    app = reply(case, world.user("edu_clerk"), reply_type="NOT_THIS_BODY", competent_unknown=True)
    assert "本机关无法确定负责公开该政府信息的行政机关" in "".join(app.letters.get(kind=LetterKind.REPLY).body)


# --- pages ---------------------------------------------------------------------------------------


def test_the_workbench_reply_goes_through_a_preview(world: World, case: Application, client: Client) -> None:
    client.force_login(world.user("edu_clerk"))
    url = reverse("workbench:application_act", args=[case.pk, "reply"])
    data = {"reply_type": "DISCLOSE", "text": "纸质文本将于三日内寄出。", "on": "2026-11-20"}
    page = client.post(url, data)
    assert page.status_code == 200 and "预览" in page.content.decode()
    assert Application.objects.get(pk=case.pk).state == State.RECEIVED
    html = page.content.decode()
    assert "现告知您获取该政府信息的方式、途径和时间：纸质文本将于三日内寄出。" in html
    assert "王小明" not in html  # masked in the preview as everywhere in the workbench
    digest = page.context["digest"]
    # A confirmation of a text that has changed since the preview is shown again, not issued.
    stale = client.post(url, {**data, "text": "改过的内容。", "confirmed": "1", "digest": digest})
    assert stale.status_code == 200 and stale.context["changed"]
    assert Application.objects.get(pk=case.pk).state == State.RECEIVED
    done = client.post(url, {**data, "confirmed": "1", "digest": digest})
    assert done.status_code == 302
    assert Application.objects.get(pk=case.pk).state == State.REPLIED


def test_the_applicant_downloads_the_files_after_the_reply_only(
    world: World, case: Application, client: Client
) -> None:
    (doc,) = disclosed.add_files(actor=world.user("edu_clerk"), application=case, uploads=[Upload("预算.pdf", PDF)])
    session = client.session
    session[SESSION_KEY] = [case.pk]
    session.save()
    url = reverse("portal:apply_reply_document", args=[doc.pk])
    assert client.get(url).status_code == 404  # not before the reply
    assert "预算.pdf" not in client.get(reverse("portal:apply_status")).content.decode()
    reply(case, world.user("edu_clerk"), reply_type="DISCLOSE")
    status = client.get(reverse("portal:apply_status")).content.decode()
    assert url in status
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Cache-Control"] == "no-store"
    # Another visitor, and staff of other bodies, get nothing.
    assert Client().get(url).status_code == 404
    other = Client()
    other.force_login(world.user("health_clerk"))
    assert other.get(reverse("workbench:reply_document", args=[doc.pk])).status_code == 404
    supervisor = Client()
    supervisor.force_login(world.user("city_supervisor"))
    assert supervisor.get(reverse("workbench:reply_document", args=[doc.pk])).status_code == 404
    staff = Client()
    staff.force_login(world.user("edu_reviewer"))
    assert b"".join(staff.get(reverse("workbench:reply_document", args=[doc.pk])).streaming_content) == PDF
