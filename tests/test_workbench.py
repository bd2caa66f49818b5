import pytest
from django.urls import reverse

from gongkai.catalogue.models import Document, DocumentState
from tests.conftest import draft

pytestmark = pytest.mark.django_db


def login(client, world, name: str) -> None:
    client.force_login(world.user(name))


def test_login_required(world, client) -> None:
    response = client.get(reverse("workbench:dashboard"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_login_page_in_chinese(world, client) -> None:
    text = client.get("/accounts/login/").text
    assert "工作人员登录" in text and 'lang="zh-CN"' in text
    bad = client.post("/accounts/login/", {"username": "edu_clerk", "password": "wrong"}).text
    assert "用户名或密码不正确" in bad


def test_user_without_roles_sees_explanation(world, client) -> None:
    login(client, world, "outsider")
    response = client.get(reverse("workbench:dashboard"))
    assert response.status_code == 403 and "还没有任何机构的角色" in response.text


def test_clerk_creates_draft_through_form(world, client) -> None:
    login(client, world, "edu_clerk")
    from tests.conftest import term

    data = {
        "org": world.edu.pk,
        "title": "关于开展校园安全检查的通知",
        "doc_number": "呼教发〔2026〕9号",
        "topic": term("topic", "T1102").pk,
        "formed_date": "2026-03-02",
        "disclosure_period_days": 20,
        "disclosure_method": "proactive",
        "validity": "current",
    }
    response = client.post(reverse("workbench:document_create"), data)
    doc = Document.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/documents/{doc.pk}/")
    page = client.get(response["Location"]).text
    assert "关于开展校园安全检查的通知" in page and "创建草稿" in page and "提交审核" in page
    assert "截止2026年03月30日" in page


def test_form_errors_shown_and_nothing_saved(world, client) -> None:
    login(client, world, "edu_clerk")
    response = client.post(reverse("workbench:document_create"), {"org": world.edu.pk, "title": ""})
    assert response.status_code == 200 and "errorlist" in response.text
    assert not Document.objects.exists()


def test_other_department_gets_404_not_the_draft(world, client) -> None:
    doc = draft(world)
    login(client, world, "health_clerk")
    assert client.get(reverse("workbench:document", args=[doc.pk])).status_code == 404
    assert client.post(reverse("workbench:document_transition", args=[doc.pk, "submit"])).status_code == 404
    assert client.get(reverse("workbench:document_edit", args=[doc.pk])).status_code == 404
    doc.refresh_from_db()
    assert doc.state == DocumentState.DRAFT


def test_transition_buttons_follow_role(world, client) -> None:
    doc = draft(world)
    login(client, world, "edu_reviewer")
    page = client.get(reverse("workbench:document", args=[doc.pk])).text
    assert "提交审核" not in page
    login(client, world, "edu_clerk")
    response = client.post(reverse("workbench:document_transition", args=[doc.pk, "submit"]), follow=True)
    assert "已提交审核" in response.text
    # An illegal step through the URL is refused with the plain message.
    response = client.post(reverse("workbench:document_transition", args=[doc.pk, "publish"]), follow=True)
    assert "不能执行“发布”" in response.text
    login(client, world, "edu_reviewer")
    response = client.post(
        reverse("workbench:document_transition", args=[doc.pk, "reject"]), {"reason": ""}, follow=True
    )
    assert "须说明理由" in response.text
    doc.refresh_from_db()
    assert doc.state == DocumentState.SUBMITTED


def test_supervisor_reads_but_has_no_buttons(world, client) -> None:
    doc = draft(world)
    login(client, world, "city_supervisor")
    page = client.get(reverse("workbench:document", args=[doc.pk])).text
    assert doc.title in page and "提交审核</button>" not in page and "修改草稿" not in page


def test_upload_error_is_explained(world, client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    doc = draft(world)
    login(client, world, "edu_clerk")
    bad = SimpleUploadedFile("x.pdf", b"not a pdf")
    response = client.post(reverse("workbench:attachment_upload", args=[doc.pk]), {"file": bad}, follow=True)
    assert "上传失败" in response.text and "不是有效的 PDF" in response.text
    good = SimpleUploadedFile("说明.txt", "内容".encode())
    response = client.post(reverse("workbench:attachment_upload", args=[doc.pk]), {"file": good}, follow=True)
    assert "说明.txt" in response.text and "上传附件" in response.text


def test_at_risk_page(world, client) -> None:
    import datetime as dt

    draft(world, formed_date=dt.date(2020, 1, 2), title="早已逾期的信息")
    login(client, world, "edu_clerk")
    text = client.get(reverse("workbench:at_risk")).text
    assert "早已逾期的信息" in text and "已逾期" in text
