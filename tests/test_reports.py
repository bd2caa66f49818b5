"""The annual report's tables computed from the records, and the identities of the national format."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.applications import clock, services
from gongkai.applications.models import Appeal, Application
from gongkai.applications.outcomes import REPLY_TYPES
from gongkai.catalogue import services as doc_services
from gongkai.orgs.models import OrgKind, Role
from gongkai.reports import auditing, compute, tables
from gongkai.reports.models import AnnualReport
from tests.conftest import draft, make_org, make_user, publish
from tests.test_applications import TODAY, applicant

pytestmark = pytest.mark.django_db
YEAR = 2025
TYPES = [c for c, _ in tables.APPLICANT_COLUMNS]
OUTCOMES = list(tables.OUTCOME_ROWS)

# One generated application: applicant type, day received (from 1 Jan 2024), days until answered
# (None: still open), outcome.
histories = st.lists(
    st.tuples(
        st.sampled_from(TYPES),
        st.integers(min_value=0, max_value=3 * 365),
        st.one_of(st.none(), st.integers(min_value=0, max_value=120)),
        st.sampled_from(OUTCOMES),
    ),
    max_size=40,
)


def insert(org: Any, history: list[tuple[str, int, int | None, str]]) -> None:
    start = dt.date(2024, 1, 1)
    rows = []
    for i, (kind, received, answered_after, outcome) in enumerate(history):
        received_on = start + dt.timedelta(days=received)
        replied_on = received_on + dt.timedelta(days=answered_after) if answered_after is not None else None
        rows.append(
            Application(
                org=org,
                tracking_code=f"T{org.pk}-{i}",
                channel="online",
                received_on=received_on,
                clock_start=received_on,
                applicant_type=kind,
                applicant_name="甲",
                id_number="11010519491231002X",
                phone="13800138000",
                applicant_key=str(i),
                description="x",
                delivery_form="electronic",
                delivery_way="online",
                state="replied" if replied_on else "in_review",
                is_open=replied_on is None,
                replied_on=replied_on,
                outcome=outcome if replied_on else "",
                # The database keeps outcome and reply type together (a reply type that allows it).
                reply_type=next(t for t, (_, outs) in REPLY_TYPES.items() if outcome in outs) if replied_on else "",
            )
        )
    Application.objects.bulk_create(rows)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=histories)
def test_table_three_balances_by_construction_for_any_records(history: list[Any]) -> None:
    org = make_org("生成数据机关")
    insert(org, history)
    scope = compute.Scope(org)
    this_year, next_year = compute.table3(scope, YEAR), compute.table3(scope, YEAR + 1)
    assert tables.t3_problems(this_year) == [] and tables.t3_problems(next_year) == []
    for col, _ in tables.T3_COLUMNS:
        # Carry-over of one year is carry-in of the next.
        assert this_year[("CARRY_OUT", col)] == next_year[("CARRY_IN", col)]
    # 新收 is every application received in the year, by applicant type (an independent count).
    for kind in TYPES:
        expected = sum(
            1 for k, d, _, _ in history if k == kind and (dt.date(2024, 1, 1) + dt.timedelta(days=d)).year == YEAR
        )
        assert this_year[("NEW", kind)] == expected


def test_a_broken_identity_is_reported_with_the_cell_named() -> None:
    cells = {(r, c): 0 for r, _ in tables.T3_ROWS for c, _ in tables.T3_COLUMNS}
    cells[("NEW", "NAT")] = cells[("NEW", "TOT")] = 3
    cells[("GRANT", "NAT")] = cells[("GRANT", "TOT")] = 2
    cells[("DONE", "NAT")] = cells[("DONE", "TOT")] = 2
    cells[("CARRY_OUT", "NAT")] = cells[("CARRY_OUT", "TOT")] = 1
    assert tables.t3_problems(cells) == []
    cells[("CARRY_OUT", "NAT")] = 0
    problems = tables.t3_problems(cells)
    assert {p.cell for p in problems} == {("CARRY_OUT", "TOT"), ("CARRY_OUT", "NAT")}
    assert any("“自然人”列" in p.message and "第一项加第二项之和" in p.message for p in problems)
    cells[("CARRY_OUT", "NAT")] = -1
    assert "应为非负整数" in tables.t3_problems(cells)[0].message


def add(tables_: Any) -> dict[Any, int]:
    """Cell-wise sum of bodies' tables: the oracle for the subtree aggregate."""
    out: dict[Any, int] = {}
    for table in tables_:
        for cell, value in table.items():
            out[cell] = out.get(cell, 0) + value
    return out


def test_a_government_aggregates_the_bodies_below_it_each_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    city = make_org("呼和浩特市人民政府", kind=OrgKind.CITY)
    a, b = make_org("市教育局", parent=city), make_org("市财政局", parent=city)
    other = make_org("包头市人民政府", kind=OrgKind.CITY)
    insert(a, [("NAT", 400, 10, "GRANT"), ("BIZ", 500, None, "GRANT")])
    insert(b, [("LAW", 420, 30, "D4"), ("NAT", 700, 5, "N1")])
    insert(other, [("NAT", 400, 10, "GRANT")])
    whole = compute.table3(compute.Scope(city, subtree=True), YEAR)
    parts = add(compute.table3(compute.Scope(o), YEAR) for o in (city, a, b))
    assert whole == parts and tables.t3_problems(whole) == []
    assert whole[("NEW", "TOT")] == 4 and whole[("GRANT", "NAT")] == 1 and whole[("D4", "LAW")] == 1
    assert whole[("CARRY_OUT", "BIZ")] == 1


def test_table_four_follows_the_appeal_records(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    org = make_org("市财政局")
    clerk = make_user("clerk", org, Role.CLERK)
    apps = []
    for _ in range(3):
        app = services.submit_online(
            org=org, applicant=applicant(), secret="my-secret", today=dt.date(YEAR, 3, 2)
        ).application
        apps.append(
            services.transition(
                actor=clerk, application=app, action="reply", on=dt.date(YEAR, 3, 20), reply_type="NOT_EXIST"
            )
        )
    upheld = services.appeal_record(
        actor=clerk, application=apps[0], kind="reconsideration", filed_on=dt.date(YEAR, 4, 1), authority="市政府"
    )
    services.appeal_decide(actor=clerk, appeal=upheld, result="upheld", decided_on=dt.date(YEAR, 6, 1))
    late = services.appeal_record(
        actor=clerk, application=apps[1], kind="litigation_direct", filed_on=dt.date(YEAR, 5, 1), authority="某法院"
    )
    services.appeal_decide(actor=clerk, appeal=late, result="corrected", decided_on=dt.date(YEAR + 1, 2, 1))
    services.appeal_record(
        actor=clerk, application=apps[2], kind="litigation_after", filed_on=dt.date(YEAR, 7, 1), authority="某法院"
    )
    t4 = compute.table4(compute.Scope(org), YEAR)
    assert tables.t4_problems(t4) == []
    assert (t4[("reconsideration", "upheld")], t4[("reconsideration", "total")]) == (1, 1)
    # Decided only after 31 December: still 尚未审结 in this year's report.
    assert (t4[("litigation_direct", "pending")], t4[("litigation_direct", "corrected")]) == (1, 0)
    assert t4[("litigation_after", "pending")] == 1
    assert compute.table4(compute.Scope(org), YEAR + 1)[("litigation_direct", "total")] == 0
    assert Appeal.objects.count() == 3


def test_table_two_counts_regulations_and_normative_documents(world: Any) -> None:
    norm = publish(world, draft(world, title="行政规范性文件甲", instrument="normative"))
    publish(world, draft(world, title="普通通知", doc_number="呼教发〔2026〕9号"))
    year = norm.published_date.year
    cells = compute.table2_instruments(compute.Scope(world.edu), year)
    assert (cells[("NORM", "issued")], cells[("NORM", "in_force")], cells[("REG", "issued")]) == (1, 1, 0)
    doc_services.document_transition(actor=world.user("edu_leader"), document=norm, action="revoke", reason="已被替代")
    norm.refresh_from_db()
    after = compute.table2_instruments(compute.Scope(world.edu), norm.repealed_date.year)
    assert after[("NORM", "repealed")] == 1 and after[("NORM", "in_force")] == 0


# --- the report and its workflow ----------------------------------------------------------------


def test_prepare_check_and_publish_a_report(world: Any, client: Any) -> None:
    from gongkai.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
    from gongkai.reports import selectors as report_selectors
    from gongkai.reports import services as reports

    insert(world.edu, [("NAT", 400, 10, "GRANT"), ("BIZ", 500, None, "GRANT"), ("LAW", 420, 30, "D4")])
    clerk, reviewer, leader = world.user("edu_clerk"), world.user("edu_reviewer"), world.user("edu_leader")
    with pytest.raises(PermissionDenied):
        reports.report_prepare(actor=reviewer, org=world.edu, year=YEAR)
    report = reports.report_prepare(actor=clerk, org=world.edu, year=YEAR)
    assert report.due_date == dt.date(YEAR + 1, 1, 31) and report.computed["self"]["t3"]["NEW|TOT"] == 3
    assert reports.report_problems(report) == []
    # A government's report is due by 31 March and carries the aggregate of the bodies below it.
    city_report = reports.report_prepare(
        actor=make_user("city_clerk", world.city, Role.CLERK), org=world.city, year=YEAR
    )
    assert city_report.due_date == dt.date(YEAR + 1, 3, 31) and city_report.computed["subtree"]["t3"]["NEW|TOT"] == 3

    # Figures from other systems need their source; computed ones cannot be entered.
    with pytest.raises(ValidationFailed):
        reports.report_enter(actor=clerk, report=report, row="LICENCE", value=12, source="")
    with pytest.raises(ValidationFailed):
        reports.report_enter(actor=clerk, report=report, row="REG", value=1, source="x")
    reports.report_enter(actor=clerk, report=report, row="LICENCE", value=12, source="市政务服务平台导出")
    reports.report_enter(actor=clerk, report=report, row="FEES", value="3.25", source="财政非税收入系统")

    # Typing over a computed figure needs a reason, and a figure that breaks an identity blocks review.
    with pytest.raises(ValidationFailed):
        reports.report_override(actor=clerk, report=report, table="三", row="NEW", column="NAT", value=5, reason="")
    report = reports.report_override(
        actor=clerk, report=report, table="三", row="NEW", column="NAT", value=5, reason="纸质登记簿另有2件未录入系统"
    )
    problems = reports.report_problems(report)
    assert problems and any("表三" in p.message and "自然人" in p.message for p in problems)
    with pytest.raises(IllegalTransition) as err:
        reports.report_transition(actor=reviewer, report=report, action="review")
    assert err.value.code == "identity_failed"
    report = reports.report_override(
        actor=clerk, report=report, table="三", row="NEW", column="NAT", value=1, reason="核对后恢复"
    )
    assert reports.report_problems(report) == []

    # Prose that contradicts the tables is a warning of the auditor (issue 23): it does not stop the
    # review, but the approver acknowledges it with a reason before approving.
    report = reports.report_edit_text(
        actor=clerk,
        report=report,
        overview="本年度新收政府信息公开申请5件，结转下年度1件。",
        problems_text="",
        other_text="未收取信息处理费。",
    )
    assert reports.report_problems(report) == []
    (warning,) = auditing.warnings(report)
    assert (warning.kind, warning.stated, warning.computed) == ("prose_table", "5件", "3件")
    assert report.problem_count == 1
    assert [r.org for r in report_selectors.not_published(leader, YEAR)] == [world.edu]
    report = reports.report_transition(actor=reviewer, report=report, action="review")
    with pytest.raises(PermissionDenied):
        reports.report_transition(actor=clerk, report=report, action="approve")
    with pytest.raises(IllegalTransition) as err:
        reports.report_transition(actor=leader, report=report, action="approve")
    assert err.value.code == "findings_unacknowledged"
    with pytest.raises(ValidationFailed):
        reports.report_acknowledge(actor=leader, report=report, key=warning.key, reason=" ")
    with pytest.raises(PermissionDenied):
        reports.report_acknowledge(actor=clerk, report=report, key=warning.key, reason="核对无误")
    with pytest.raises(ValidationFailed):
        reports.report_acknowledge(actor=leader, report=report, key="prose_table|x|5件", reason="核对无误")
    report = reports.report_acknowledge(
        actor=leader, report=report, key=warning.key, reason="另有2件纸质申请在登记簿中，已在正文说明"
    )
    assert report.problem_count == 0 and auditing.unacknowledged(report) == []
    assert report.acknowledgements[0]["by"] == "edu_leader"
    report = reports.report_transition(actor=leader, report=report, action="approve")
    with pytest.raises(IllegalTransition):
        reports.report_edit_text(actor=clerk, report=report, overview="x", problems_text="", other_text="")
    report = reports.report_transition(actor=clerk, report=report, action="publish", on=dt.date(YEAR + 1, 1, 20))
    assert report.state == "published" and report.published_on == dt.date(YEAR + 1, 1, 20)
    assert list(report_selectors.published_reports(world.edu)) == [report]
    assert report_selectors.not_published(leader, YEAR) == []
    supervisor_view = report_selectors.not_published(world.user("city_supervisor"), YEAR, today=dt.date(YEAR + 1, 2, 1))
    assert world.edu not in [r.org for r in supervisor_view]
    assert {r.org for r in supervisor_view} >= {world.city, world.health}
    assert [r.overdue for r in supervisor_view if r.org == world.health] == [True]

    # The portal's 政府信息公开年报 page lists it and shows it in the national layout.
    listing = client.get(f"/xxgk/{world.edu.slug}/nb/").content.decode()
    assert f"{YEAR}年政府信息公开工作年度报告" in listing
    page = client.get(f"/xxgk/{world.edu.slug}/nb/{YEAR}/").content.decode()
    assert "第一项加第二项之和，等于第三项加第四项之和" in page and "法律服务机构" in page
    assert "市政务服务平台导出" not in page and ">12<" in page and ">3.25<" in page
    assert client.get(f"/xxgk/{world.edu.slug}/nb/{YEAR - 1}/").status_code == 404


def test_staff_compile_and_publish_through_the_pages(world: Any) -> None:
    from django.test import Client

    insert(world.edu, [("NAT", 400, 10, "GRANT"), ("NPO", 410, 12, "U1")])

    def as_user(name: str) -> Client:
        c = Client()
        c.force_login(world.user(name))
        return c

    clerk, reviewer, leader = as_user("edu_clerk"), as_user("edu_reviewer"), as_user("edu_leader")
    listing = clerk.get("/workbench/reports/", {"year": YEAR}).content.decode()
    assert "按记录编制2025年度报告" in listing
    response = clerk.post("/workbench/reports/prepare/", {"org": world.edu.slug, "year": YEAR})
    assert response.status_code == 302
    url = response["Location"]
    page = clerk.get(url).content.decode()
    assert "各表勾稽关系全部成立" in page and "社会公益组织" in page
    clerk.post(url + "text/", {"overview": "本年度新收政府信息公开申请9件。", "problems_text": "", "other_text": ""})
    page = clerk.get(url).content.decode()
    assert "年报审核提示 1 条" in page and "正文写本年新收申请9件，表格中没有与之相符的数（本年新收2件）" in page
    assert "已保存" in reviewer.post(url + "review/", follow=True).content.decode()
    refused = leader.post(url + "approve/", follow=True).content.decode()
    assert "还有1条审核提示未确认，不能批准" in refused
    (warning,) = auditing.warnings(AnnualReport.objects.get())
    blank = leader.post(url + "acknowledge/", {"key": warning.key, "reason": ""}, follow=True).content.decode()
    assert "请写明为什么这处提示不影响年报" in blank
    leader.post(url + "acknowledge/", {"key": warning.key, "reason": "另有7件纸质申请"})
    assert "已确认：另有7件纸质申请（edu_leader）" in leader.get(url).content.decode()
    assert "已保存" in leader.post(url + "approve/", follow=True).content.decode()
    leader.post(url + "publish/")
    report = AnnualReport.objects.get()
    assert report.state == "published"
    assert "全部已发布" in leader.get("/workbench/reports/", {"year": YEAR}).content.decode()
    assert Client().get(f"/xxgk/{world.edu.slug}/nb/{YEAR}/").status_code == 200
    sheet = Client().get(f"/xxgk/{world.edu.slug}/nb/{YEAR}.xlsx")
    assert sheet.status_code == 200 and sheet["Content-Type"].endswith("spreadsheetml.sheet")
    # Importing a file that is not a workbook is refused in plain words, and nothing is created.
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = clerk.post(
        "/workbench/reports/import/",
        {"org": world.edu.slug, "year": YEAR - 1, "file": SimpleUploadedFile("x.xlsx", b"not a workbook")},
        follow=True,
    )
    assert "文件不是有效的 XLSX 工作簿" in bad.content.decode() and AnnualReport.objects.count() == 1
    # A body outside the user's reach is not found.
    assert as_user("health_clerk").get(url).status_code == 404


# --- XLSX ---------------------------------------------------------------------------------------


def test_xlsx_export_imports_back_and_a_broken_identity_is_refused_with_the_cell_named(world: Any) -> None:
    import io

    from openpyxl import load_workbook

    from gongkai.core.errors import ValidationFailed
    from gongkai.reports import services as reports
    from gongkai.reports import xlsx
    from gongkai.reports.presentation import xlsx_bytes

    insert(world.edu, [("NAT", 400, 10, "GRANT"), ("LAW", 420, 30, "D4"), ("BIZ", 500, None, "GRANT")])
    clerk = world.user("edu_clerk")
    report = reports.report_prepare(actor=clerk, org=world.edu, year=YEAR)
    reports.report_enter(actor=clerk, report=report, row="FEES", value="3.25", source="财政系统")
    report.refresh_from_db()
    data = xlsx_bytes(report)
    parsed = xlsx.from_xlsx(data)
    own = reports.effective(report)
    assert parsed["t3"] == own["t3"] and parsed["t4"] == own["t4"]
    assert parsed["t2"][("FEES", "amount")] == own["t2"][("FEES", "amount")]

    # Import it for the year before, as a body that compiled that year elsewhere would.
    imported = reports.report_import_xlsx(
        actor=clerk, org=world.edu, year=YEAR - 1, filename="2024年报.xlsx", data=data
    )
    assert imported.imported_from == "2024年报.xlsx" and reports.report_problems(imported) == []
    assert reports.effective(imported)["t3"] == own["t3"]
    assert imported.entered["FEES|amount"]["source"] == "导入：2024年报.xlsx"

    # Break 新收 for 自然人 (sheet 表三, column B, first data row): refused, the cell named.
    wb = load_workbook(io.BytesIO(data))
    ws = wb[xlsx.SHEET3]
    assert ws["B4"].value == own["t3"][("NEW", "NAT")]
    ws["B4"] = ws["B4"].value + 1
    broken = io.BytesIO()
    wb.save(broken)
    with pytest.raises(ValidationFailed) as err:
        xlsx.from_xlsx(broken.getvalue())
    assert err.value.code == "import_identity_failed"
    assert "表三 申请情况" in err.value.message and "单元格H4" in err.value.message
    ws["B4"] = "三件"
    broken = io.BytesIO()
    wb.save(broken)
    with pytest.raises(ValidationFailed) as err:
        xlsx.from_xlsx(broken.getvalue())
    assert "单元格B4" in err.value.message and "自然人" in err.value.message and "非负整数" in err.value.message
    with pytest.raises(ValidationFailed) as err:
        xlsx.from_xlsx(b"not a workbook")
    assert err.value.code == "import_not_xlsx"


@pytest.mark.skipif(
    __import__("gongkai.core.pdf", fromlist=["x"]).chromium_path() is None, reason="Chromium is not installed"
)
def test_docx_and_pdf_exports_open_and_match_the_tables(world: Any, client: Any) -> None:
    import io

    from docx import Document
    from pypdf import PdfReader

    from gongkai.reports import presentation
    from gongkai.reports import services as reports
    from gongkai.reports.tables import T3_ROWS

    insert(
        world.edu,
        [("NAT", 400, 10, "GRANT"), ("LAW", 420, 30, "D4"), ("BIZ", 500, None, "GRANT"), ("NAT", 380, None, "GRANT")],
    )
    clerk = world.user("edu_clerk")
    report = reports.report_prepare(actor=clerk, org=world.edu, year=YEAR)
    own = reports.effective(report)["t3"]
    client.force_login(clerk)
    docx = client.get(f"/workbench/reports/{report.pk}/export.docx")
    assert docx.status_code == 200
    document = Document(io.BytesIO(b"".join(docx.streaming_content)))
    t3 = document.tables[4]  # four blocks of table 二 come first
    assert "本列数据的勾稽关系" in t3.cell(0, 0).text and t3.cell(0, 1).text == "申请人情况"
    laid_out = presentation.table3(own)
    body = t3.rows[3:]
    assert [r.cells[0].text for r in body] == [r.label for r in laid_out]
    for docx_row, row in zip(body, laid_out, strict=True):
        if row.values:
            assert [int(c.text) for c in docx_row.cells[1:8]] == row.values, row.label
    assert sum(1 for r in laid_out if r.key) == len(T3_ROWS)
    pdf = client.get(f"/workbench/reports/{report.pk}/export.pdf")
    reader = PdfReader(io.BytesIO(b"".join(pdf.streaming_content)))
    # Narrow table cells wrap their labels: compare without whitespace.
    text = "".join("".join(page.extract_text().split()) for page in reader.pages)
    assert "收到和处理政府信息公开申请情况" in text and "结转下年度继续办理" in text and "法律服务机构" in text
    fonts = {
        str(f.get_object().get("/BaseFont", "Type3"))
        for page in reader.pages
        for f in page["/Resources"]["/Font"].values()
    }
    assert any("UMing" in name for name in fonts) and "Type3" not in fonts


def test_the_staff_page_compares_every_figure_with_last_year_and_draws_the_trend(world: Any) -> None:
    from django.test import Client

    from gongkai.reports import presentation
    from gongkai.reports import services as reports

    insert(world.edu, [("NAT", 100, 10, "GRANT"), ("NAT", 400, 10, "GRANT"), ("LAW", 420, 30, "D4")])
    clerk = world.user("edu_clerk")
    last = reports.report_prepare(actor=clerk, org=world.edu, year=YEAR - 1)
    this = reports.report_prepare(actor=clerk, org=world.edu, year=YEAR)
    rows = {(r["table"], r["label"]): r for r in presentation.comparison(this, last)}
    new_total = rows[("表三", "一、本年新收政府信息公开申请数量 · 总计")]
    assert (new_total["this"], new_total["last"], new_total["change"]) == (2, 1, 1)
    assert len(rows) == len(presentation.comparison(this, None))
    svg = presentation.trend_svg([this, last])
    assert (
        svg.startswith("<svg")
        and f"<title>{YEAR}年 新收申请：2</title>" in svg
        and f"<title>{YEAR - 1}年 新收申请：1</title>" in svg
    )
    c = Client()
    c.force_login(clerk)
    page = c.get(f"/workbench/reports/{this.pk}/").content.decode()
    assert 'id="comparison"' in page and "<svg" in page and "+1" in page


def test_last_years_carry_over_must_be_this_years_carry_in(world: Any) -> None:
    from gongkai.reports import services as reports

    insert(world.edu, [("NAT", 300, None, "GRANT"), ("NAT", 360, 20, "GRANT"), ("BIZ", 500, 3, "GRANT")])
    clerk = world.user("edu_clerk")
    last = reports.report_prepare(actor=clerk, org=world.edu, year=YEAR - 1)
    this = reports.report_prepare(actor=clerk, org=world.edu, year=YEAR)
    assert reports.report_problems(this) == [] and reports.effective(this)["t3"][("CARRY_IN", "NAT")] == 2
    # Last year's figure typed over (say, to match a paper register): the two years disagree.
    reports.report_override(
        actor=clerk, report=last, table="三", row="CARRY_OUT", column="NAT", value=3, reason="纸质登记簿"
    )
    assert reports.report_problems(this) == []
    (warning,) = auditing.warnings(this)
    assert warning.kind == "cross_year" and "上年结转" in warning.location and "自然人" in warning.location
    assert (warning.stated, warning.computed) == ("2", "3")
