"""Issue 21: past periods of the openness records imported from CSV or XLSX, each row through the
service that records it by hand, the whole file or nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook

from gongkai.catalogue.models import IssuedDocument
from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent
from gongkai.interaction.models import OfflineTally
from gongkai.openness import importing, services
from gongkai.openness.models import (
    DeputyProposal,
    GazetteIssue,
    NewMediaFigures,
    PressConference,
    ReadingTally,
    TrainingSession,
)
from tests.conftest import World, draft, publish

pytestmark = pytest.mark.django_db
LAST = timezone.localdate().year - 1


def csv_bytes(*lines: str, encoding: str = "utf-8-sig") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(world: World, kind: str, data: bytes, name: str = "past.csv", who: str = "edu_clerk") -> int:
    return importing.import_records(actor=world.user(who), org=world.edu, kind=kind, name=name, data=data)


def test_every_kind_imports_through_its_service(world: World) -> None:
    norm = publish(world, draft(world, title="招生办法", instrument="normative"))
    reading = publish(world, draft(world, title="招生办法解读", interprets=norm.index_number, interpretation_form="qa"))
    clerk = world.user("edu_clerk")
    services.reading_point_add(actor=clerk, org=world.edu, kind="library", name="市图书馆", address="a", hours="h")
    services.new_media_add(actor=clerk, org=world.edu, platform="wechat", name="呼和浩特教育", operator="办公室")
    assert (
        run(
            world,
            "press",
            csv_bytes(
                "举行日期,主题,发布人,主要负责人出席,实录的索引号,发布的政策解读的索引号",
                f"{LAST}-03-02,招生政策发布会,局长,是,,{reading.index_number}",
                f"{LAST}/6/1,资助政策发布会,新闻发言人,否,,",
            ),
        )
        == 2
    )
    assert PressConference.objects.get(topic="招生政策发布会").interpretations.get() == reading
    assert (
        run(
            world,
            "training",
            xlsx_bytes(
                [
                    ["类型", "日期", "名称", "参加人次"],
                    ["培训", dt.date(LAST, 4, 1), "条例培训", 50],
                    ["会议", f"{LAST}年5月8日", "推进会", 20.0],
                ]
            ),
            name="past.xlsx",
        )
        == 2
    )
    assert sorted(TrainingSession.objects.values_list("attendance", flat=True)) == [20, 50]
    run(world, "response", csv_bytes("回应日期,关切事项,回应渠道,属于舆情回应", f"{LAST}-07-01,校车安全,政务新媒体,是"))
    run(
        world,
        "proposal",
        csv_bytes(
            "建议或提案,编号,案由,交办日期,答复日期,公开的答复的索引号",
            f"人大代表建议,第12号,扩大资助范围,{LAST}-03-10,{LAST}-06-10,{norm.index_number}",
            f"政协委员提案,第3号,改善校园周边交通,{LAST}-03-12,,",
        ),
    )
    assert DeputyProposal.objects.get(number="第12号").reply_item == norm
    run(world, "reading", csv_bytes("查阅点名称,年,月,接待人次,查阅件次,数据来源", f"市图书馆,{LAST},3,12,30,登记簿"))
    run(
        world,
        "new_media",
        csv_bytes(
            "平台,账号名称,年,月,发布信息条数,月末关注人数,数据来源",
            f"政务微信公众号,呼和浩特教育,{LAST},3,41,1210,后台",
        ),
    )
    run(world, "offline", csv_bytes("渠道,年,月,件数,数据来源", f"热线电话,{LAST},3,88,12345热线导出"))
    run(
        world,
        "gazette",
        csv_bytes(
            "年份,期号,出版日期,刊载的信息的索引号",
            f"{timezone.localdate().year},1,{timezone.localdate()},{norm.index_number} {reading.index_number}",
        ),
    )
    run(
        world,
        "issued",
        csv_bytes(
            "公文标题,文号,成文日期,公开属性,不予公开的理由,说明", f"局务会议纪要,,{LAST}-02-01,不予公开,过程性信息,"
        ),
        who="edu_reviewer",
    )
    assert ReadingTally.objects.get().visits == 12 and NewMediaFigures.objects.get().followers == 1210
    assert OfflineTally.objects.get().count == 88 and GazetteIssue.objects.get().entries.count() == 2
    assert IssuedDocument.objects.get().reason == "process"
    assert AuditEvent.objects.filter(action="openness.imported").count() == 9


def test_a_bad_row_imports_nothing_and_names_its_row(world: World) -> None:
    data = csv_bytes(
        "类型,日期,名称,参加人次",
        f"培训,{LAST}-04-01,条例培训,50",
        f"培训,{LAST}-04-02,业务培训,很多",
    )
    with pytest.raises(ValidationFailed) as err:
        run(world, "training", data)
    assert "第3行" in err.value.message and "参加人次" in err.value.message
    assert TrainingSession.objects.count() == 0 and not AuditEvent.objects.filter(action="training.recorded").exists()
    with pytest.raises(ValidationFailed) as err:
        run(world, "training", csv_bytes("类型,日期,名称", f"培训,{LAST}-04-01,条例培训"))
    assert err.value.code == "missing_columns" and "参加人次" in err.value.message
    with pytest.raises(ValidationFailed) as err:
        run(world, "training", csv_bytes("类型,日期,名称,参加人次", f"培训,{timezone.localdate().year + 1}-01-01,t,5"))
    assert "第2行" in err.value.message
    for name, payload in (("x.pdf", b"%PDF"), ("x.xlsx", b"not a zip"), ("x.csv", b"")):
        with pytest.raises(ValidationFailed):
            run(world, "training", payload, name=name)
    with pytest.raises(PermissionDenied):  # a 公文's attribute is the reviewer's to record
        run(world, "issued", csv_bytes("公文标题,成文日期,公开属性", f"通知,{LAST}-01-01,主动公开"))
    assert IssuedDocument.objects.count() == 0


def test_a_csv_from_excel_in_chinese_is_read(world: World) -> None:
    data = csv_bytes("类型,日期,名称,参加人次", f"会议,{LAST}-09-09,推进会,12", encoding="gb18030")
    assert run(world, "training", data) == 1 and TrainingSession.objects.get().title == "推进会"


def test_the_workbench_gives_a_template_and_takes_the_file(world: World) -> None:
    client = Client()
    client.force_login(world.user("edu_clerk"))
    template = client.get("/workbench/openness/import/training.csv")
    assert template.content.decode("utf-8-sig").strip() == "类型,日期,名称,参加人次"
    assert client.get("/workbench/openness/import/nothing.csv").status_code == 404
    upload = io.BytesIO(csv_bytes("类型,日期,名称,参加人次", f"培训,{LAST}-04-01,条例培训,50"))
    upload.name = "past.csv"
    response = client.post(
        "/workbench/openness/import/",
        {"import-org": world.edu.pk, "import-kind": "training", "import-file": upload},
        follow=True,
    )
    assert "已导入1条培训和会议记录。" in response.content.decode()
    client.force_login(world.user("health_clerk"))  # another body is not offered
    upload.seek(0)
    response = client.post(
        "/workbench/openness/import/",
        {"import-org": world.edu.pk, "import-kind": "training", "import-file": upload},
        follow=True,
    )
    assert "未导入" in response.content.decode() and TrainingSession.objects.count() == 1
