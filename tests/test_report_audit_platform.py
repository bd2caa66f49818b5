"""The report auditor on the platform (issue 23 §3): the platform's own report audited as it is
edited (全市 sentences against the aggregate, the body's own against its own), its published files
read back by the auditor, ``manage.py report_audit``, ``POST /api/v1/report-audits``, and a
supervisor's audit of a lower body's report counted on the dashboard."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from docx import Document as Docx

from gongkai.applications.uploads import Upload
from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent
from gongkai.core.pdf import chromium_path
from gongkai.orgs.models import Role
from gongkai.reports import audit, auditing, documents
from gongkai.reports import services as reports
from gongkai.supervision import selectors
from gongkai.supervision import services as supervision
from gongkai.supervision.indicators import Period
from gongkai.supervision.models import ReportAudit
from tests.conftest import World, make_user
from tests.report_audit_corpus import CORPUS
from tests.test_reports import YEAR, insert

pytestmark = pytest.mark.django_db
SEED_LIKE = "四、政府信息公开咨询处置情况\n其中咨询电话接听8000次,本区年度共接受市民咨询2.5万人次。当面咨询接待6000次,网上咨询7000次。\n"


def _published(world: World, overview: str = "") -> Any:
    insert(world.edu, [("NAT", 400, 10, "GRANT"), ("BIZ", 500, None, "GRANT"), ("LAW", 420, 30, "D4")])
    clerk, reviewer, leader = world.user("edu_clerk"), world.user("edu_reviewer"), world.user("edu_leader")
    report = reports.report_prepare(actor=clerk, org=world.edu, year=YEAR)
    if overview:
        report = reports.report_edit_text(
            actor=clerk, report=report, overview=overview, problems_text="", other_text=""
        )
    for warning in auditing.warnings(report):
        report = reports.report_acknowledge(actor=leader, report=report, key=warning.key, reason="已核对")
    report = reports.report_transition(actor=reviewer, report=report, action="review")
    report = reports.report_transition(actor=leader, report=report, action="approve")
    return reports.report_transition(actor=clerk, report=report, action="publish", on=dt.date(YEAR + 1, 1, 20))


def test_a_city_report_compares_its_citywide_sentences_with_the_aggregate(world: World) -> None:
    """The trap of 全市 figures: a government's own office received nothing, its subtree three."""
    insert(world.edu, [("NAT", 400, 10, "GRANT"), ("BIZ", 500, None, "GRANT"), ("LAW", 420, 30, "D4")])
    city_clerk = make_user("city_clerk", world.city, Role.CLERK)
    report = reports.report_prepare(actor=city_clerk, org=world.city, year=YEAR)
    edit = dict(actor=city_clerk, problems_text="", other_text="")
    report = reports.report_edit_text(report=report, overview="全市各级行政机关共收到政府信息公开申请3件。", **edit)
    assert auditing.warnings(report) == []
    report = reports.report_edit_text(report=report, overview="本机关共收到政府信息公开申请3件。", **edit)
    (warning,) = auditing.warnings(report)
    assert (warning.kind, warning.stated, warning.computed) == ("prose_table", "3件", "0件")
    report = reports.report_edit_text(report=report, overview="全市各级行政机关共收到政府信息公开申请4件。", **edit)
    assert [(w.kind, w.stated, w.computed) for w in auditing.warnings(report)] == [("prose_table", "4件", "3件")]


def test_a_claim_of_replies_all_on_time_is_held_to_the_timeliness_records(world: World) -> None:
    from tests.test_supervision import replied

    replied(world.edu, 2, "late", late_days=3)
    replied(world.edu, 1, "on_time")
    clerk = world.user("edu_clerk")
    report = reports.report_prepare(actor=clerk, org=world.edu, year=YEAR)
    report = reports.report_edit_text(
        actor=clerk, report=report, overview="本年度申请均在法定期限内答复。", problems_text="", other_text=""
    )
    (warning,) = auditing.warnings(report)
    assert warning.kind == "claim" and warning.computed == "逾期答复2件"


def test_the_platforms_published_files_read_back_without_a_finding(world: World, client: Client) -> None:
    """Precision on our own output: the DOCX (merged header cells), the portal's HTML (rowspan and
    colspan) and the PDF's text layer of a consistent report give no finding; a wrong figure in the
    prose is found in each."""
    report = _published(world)
    assert report.overview and "新收政府信息公开申请3件" in report.overview
    page = client.get(f"/xxgk/{world.edu.slug}/nb/{YEAR}/").content
    files = [("report.docx", documents.to_docx(report)), ("report.html", page)]
    if chromium_path():
        files.append(("report.pdf", documents.to_pdf(report)))
    for name, data in files:
        doc = audit.read(data, name)
        tables = audit.format_tables.read_tables(doc.rows)
        assert tables.number("t3", ("NEW", "TOT")) == 3 and tables.number("t3", ("DONE", "TOT")) == 2, name
        assert tables.number("t4", ("reconsideration", "total")) == 0, name
        assert audit.audit(doc) == [], (name, audit.audit(doc))
    # A wrong figure in the prose, in the page and in the document (a PDF's text cannot be edited).
    wrong_page = page.replace("新收政府信息公开申请3件".encode(), "新收政府信息公开申请5件".encode())
    docx = Docx(io.BytesIO(files[0][1]))
    for paragraph in docx.paragraphs:
        if "新收政府信息公开申请3件" in paragraph.text:
            paragraph.text = paragraph.text.replace("申请3件", "申请5件")
    wrong_docx = io.BytesIO()
    docx.save(wrong_docx)
    for name, data in (("report.html", wrong_page), ("report.docx", wrong_docx.getvalue())):
        assert [(f.kind, f.stated) for f in audit.audit(audit.read(data, name))] == [("prose_table", "5件")], name


def test_the_command_line_audits_a_file_and_says_so_by_its_exit_status(tmp_path: Any, world: World) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text(SEED_LIKE, encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text(SEED_LIKE.replace("2.5万", "2.1万"), encoding="gb18030")
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("report_audit", str(bad), "--json", stdout=out)
    assert exit_.value.code == 1
    (row,) = json.loads(out.getvalue())
    assert set(row) == {"kind", "location", "stated", "computed", "rule", "explanation"}
    assert (row["kind"], row["stated"], row["computed"]) == ("sum", "2.5万人次", "21000")
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("report_audit", str(bad), stdout=out)
    assert exit_.value.code == 1 and out.getvalue().count("\n") == 1 and "合计与分项不符" in out.getvalue()
    with pytest.raises(SystemExit) as exit_:
        call_command("report_audit", str(good), stdout=io.StringIO())
    assert exit_.value.code == 0
    # --explain also says which base each figure that agrees matched (普陀区 2022: the replies).
    putuo = tmp_path / "putuo.txt"
    putuo.write_text("共受理政府信息公开申请267件,答复263件。其中同意公开或部分公开共81件,公开率为30.80%。")
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("report_audit", str(putuo), "--explain", stdout=out)
    assert exit_.value.code == 0 and "81件占“答复263件”为30.80%，相符。" in out.getvalue()
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("report_audit", str(tmp_path / "missing.pdf"), stderr=err)
    assert exit_.value.code == 2 and "无法打开文件" in err.getvalue()
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4\n%%EOF")
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("report_audit", str(tmp_path / "scan.pdf"), stderr=err)
    assert exit_.value.code == 2 and "PDF" in err.getvalue()
    # Last year's report as the second file: the year-over-year claim is checked against it.
    this = tmp_path / "this.txt"
    this.write_text("本年共收到政府信息公开申请162件,较上年增长96%。", encoding="utf-8")
    last = tmp_path / "last.txt"
    last.write_text("本年共收到政府信息公开申请83件。", encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("report_audit", str(this), str(last), "--json", stdout=out)
    assert exit_.value.code == 1 and json.loads(out.getvalue())[0]["kind"] == "year_over_year"


def test_the_batch_audits_a_years_published_reports_with_a_summary(world: World, capsys: Any) -> None:
    _published(world, overview="本年度新收政府信息公开申请5件。")
    out = io.StringIO()
    call_command("report_audit", "--year", str(YEAR), stdout=out)
    summary = out.getvalue()
    assert f"{YEAR}年度已发布年报1份，有数字不符的1份，共1处。" in summary
    assert "正文与表格不符\t1" in summary and "呼和浩特市教育局\t1" in summary
    assert "1/1" in capsys.readouterr().err  # the progress bar


def test_the_api_audits_an_uploaded_file(world: World) -> None:
    client = Client()
    url = "/api/v1/report-audits"
    upload = SimpleUploadedFile("report.txt", SEED_LIKE.encode())
    assert client.post(url, {"file": upload}).status_code in (401, 403)
    client.force_login(world.user("edu_clerk"))
    response = client.post(url, {"file": SimpleUploadedFile("report.txt", SEED_LIKE.encode())})
    assert response.status_code == 200
    assert [(f["kind"], f["stated"]) for f in response.json()] == [("sum", "2.5万人次")]
    empty = client.post(url, {})
    assert empty.status_code == 400 and "请上传要审核的年报文件" in empty.json()["detail"]
    broken = client.post(url, {"file": SimpleUploadedFile("x.docx", b"PK\x03\x04junk")})
    assert broken.status_code == 400 and "DOCX" in broken.json()["detail"]
    seed = next(e for e in CORPUS if e.key == "putuo-2022h1")
    ok = client.post(url, {"file": SimpleUploadedFile("putuo.txt", seed.read())})
    assert ok.status_code == 200 and ok.json() == []


def test_a_supervisor_audits_a_lower_bodys_report_and_the_dashboard_counts_it(world: World) -> None:
    report = _published(world)
    supervisor, clerk = world.user("city_supervisor"), world.user("edu_clerk")
    upload = Upload("2025年报.txt", SEED_LIKE.encode())
    with pytest.raises(PermissionDenied):
        supervision.report_audit(actor=clerk, org=world.edu, year=YEAR, upload=upload)
    with pytest.raises(PermissionDenied):  # an office does not audit itself
        supervision.report_audit(actor=supervisor, org=world.city, year=YEAR, upload=upload)
    with pytest.raises(ValidationFailed) as err:
        supervision.report_audit(actor=supervisor, org=world.health, year=YEAR)
    assert err.value.code == "no_report"
    with pytest.raises(ValidationFailed) as err:
        supervision.report_audit(actor=supervisor, org=world.edu, year=YEAR, upload=Upload("x.pdf", b"%PDF-junk"))
    assert err.value.code == "unreadable" and ReportAudit.objects.count() == 0
    first = supervision.report_audit(actor=supervisor, org=world.edu, year=YEAR, upload=upload)
    assert first.finding_count == 1 and first.findings[0]["stated"] == "2.5万人次" and first.source == "upload"
    assert AuditEvent.objects.filter(action="report.audited").count() == 1
    picked = supervision.report_audit(actor=supervisor, org=world.edu, year=YEAR)
    assert picked.source == "platform" and picked.report == report and picked.finding_count == 0
    first.refresh_from_db()
    assert not first.current and picked.current
    again = supervision.report_audit(actor=supervisor, org=world.edu, year=YEAR, upload=upload)
    next_year = Period(dt.date(YEAR + 1, 1, 1), dt.date(YEAR + 1, 12, 31), "次年")
    board = selectors.dashboard(world.city, next_year, "年度报告", timezone.localdate())
    edu = next(r for r in board.rows if r.org == world.edu)
    assert {c.indicator.key: c.number for c in edu.cells}["report_audit_findings"] == again.finding_count == 1
