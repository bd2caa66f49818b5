import datetime as dt

import pytest
from django.urls import reverse

from gongkai.catalogue.services import attachment_add, document_transition
from tests.conftest import draft, publish, term

pytestmark = pytest.mark.django_db


def test_column_pages_render(world, client) -> None:
    for name in ("column", "guide", "rules", "browse", "reports"):
        response = client.get(reverse(f"portal:{name}", args=["hhht"]))
        assert response.status_code == 200, name
        assert "政府信息公开指南" in response.text and "法定主动公开内容" in response.text


def test_guide_is_generated_from_org_data(world, client) -> None:
    from gongkai.orgs.services import org_update

    org_update(actor=None, org=world.edu, office_address="呼和浩特市赛罕区敕勒川大街9号", office_phone="0471-6600000")
    text = client.get(reverse("portal:guide", args=["edu"])).text
    assert "呼和浩特市教育局政府信息公开指南" in text
    assert "呼和浩特市赛罕区敕勒川大街9号" in text and "0471-6600000" in text
    assert "20个工作日" in text
    assert "呼和浩特市人民政府" in text  # the body above it, for complaints


def test_reports_page_empty_until_reports_exist(world, client) -> None:
    assert "暂无已发布的政府信息公开工作年度报告" in client.get(reverse("portal:reports", args=["hhht"])).text


def test_only_published_items_are_public(world, client) -> None:
    public = publish(world, draft(world, title="已公开的通知"))
    hidden = draft(world, title="尚未公开的草稿")
    withdrawn = publish(world, draft(world, title="已撤回的通知"))
    document_transition(actor=world.user("edu_leader"), document=withdrawn, action="withdraw", reason="有误")
    text = client.get(reverse("portal:browse", args=["hhht"])).text
    assert "已公开的通知" in text and "尚未公开的草稿" not in text and "已撤回的通知" not in text
    assert client.get(reverse("portal:item", args=["edu", public.pk])).status_code == 200
    assert client.get(reverse("portal:item", args=["edu", hidden.pk])).status_code == 404
    assert client.get(reverse("portal:item", args=["edu", withdrawn.pk])).status_code == 404
    # An item is shown under its own body and the bodies above it, not under a sibling.
    assert client.get(reverse("portal:item", args=["health", public.pk])).status_code == 404


def test_item_page_metadata_block_and_revocation(world, client) -> None:
    doc = publish(world, draft(world, keywords="招生 入学"), on=dt.date(2026, 3, 20))
    text = client.get(reverse("portal:item", args=["hhht", doc.pk])).text
    for label in ("索引号", "主题分类", "发布机构", "文号", "成文日期", "发布日期", "有效性"):
        assert f">{label}<" in text
    assert doc.index_number in text and "科技、教育\\教育" in text and "现行有效" in text
    document_transition(
        actor=world.user("edu_leader"), document=doc, action="revoke", reason="替代", on=dt.date(2026, 9, 1)
    )
    text = client.get(reverse("portal:item", args=["hhht", doc.pk])).text
    assert "本文件已于2026年9月1日废止" in text and "已废止" in text


def test_browse_filters_and_counts(world, client) -> None:
    publish(world, draft(world, title="教育甲", art20_item=term("art20", "ART20_11")), on=dt.date(2025, 5, 6))
    publish(world, draft(world, title="教育乙"), on=dt.date(2026, 5, 6))
    publish(world, draft(world, org=world.health, title="卫生丙", topic=term("topic", "T1301")), on=dt.date(2026, 5, 6))
    url = reverse("portal:browse", args=["hhht"])
    assert "共 3 条" in client.get(url).text
    by_topic = client.get(url, {"topic": "T11"}).text
    assert "教育甲" in by_topic and "卫生丙" not in by_topic and "共 2 条" in by_topic
    assert "共 1 条" in client.get(url, {"art20": "ART20_11"}).text
    assert "共 1 条" in client.get(url, {"year": "2025"}).text
    assert "共 1 条" in client.get(url, {"publisher": world.health.pk}).text
    assert "共 3 条" in client.get(url, {"year": "not-a-year"}).text
    assert '卫生、体育</a> <span class="count">(1)</span>' in client.get(url).text


def test_lookup_by_title_and_doc_number_variants(world, client) -> None:
    publish(world, draft(world, title="关于做好招生工作的通知", doc_number="呼教发〔2026〕7号"))
    url = reverse("portal:browse", args=["edu"])
    for query in ("招生工作", "呼教发〔2026〕7号", "呼教发[2026]7号", "呼教发(2026)7号"):
        assert "关于做好招生工作的通知" in client.get(url, {"q": query}).text, query
    empty = client.get(url, {"q": "不存在的东西"}).text
    assert "没有找到" in empty and "浏览全部内容" in empty
    assert client.get(url, {"q": "'; DROP TABLE x; --" + "长" * 500}).status_code == 200


def test_pagination(world, client) -> None:
    for i in range(23):
        publish(world, draft(world, title=f"通知{i:02d}"))
    url = reverse("portal:browse", args=["hhht"])
    first = client.get(url).text
    assert "第 1 / 2 页" in first and "下一页" in first
    assert "第 2 / 2 页" in client.get(url, {"page": 2}).text
    assert "第 2 / 2 页" in client.get(url, {"page": 99}).text


def test_attachment_download_only_when_public(world, client) -> None:
    doc = draft(world)
    att = attachment_add(actor=world.user("edu_clerk"), document=doc, name="说明.txt", data="附件内容".encode())
    url = reverse("portal:attachment", args=[att.pk])
    assert client.get(url).status_code == 404
    publish(world, doc)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == "附件内容".encode()


def test_unknown_org_is_404(world, client) -> None:
    assert client.get("/xxgk/no-such-body/").status_code == 404
