"""An annual report: one body, one year, moving draft → reviewed → approved → published.

The tables are kept as computed from the records (``computed``), with the figures that live in other
systems entered by staff with their source (``entered``), and any figure typed over a computed one
recorded with its reason (``overrides``): what is shown is computed ⊕ entered ⊕ overrides, and
nothing is typed over silently (issue 5 §2).
"""

from __future__ import annotations

from django.db import models

from gongkai.core.storage import random_name


def report_file_name(instance: object, filename: str) -> str:
    return random_name("reports", "." + filename.rsplit(".", 1)[-1][:5].lower())


class ReportState(models.TextChoices):
    DRAFT = "draft", "草稿"
    REVIEWED = "reviewed", "已审核"
    APPROVED = "approved", "已批准"
    PUBLISHED = "published", "已发布"


class AnnualReport(models.Model):
    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="annual_reports")
    year = models.PositiveSmallIntegerField("年度")
    state = models.CharField("状态", max_length=12, choices=ReportState.choices, default=ReportState.DRAFT)
    # Art. 49: departments publish by 31 January; a government's report by 31 March.
    due_date = models.DateField("法定发布期限")
    # {"self": {"t2": …, "t3": …, "t4": …}, "subtree": {…} (governments only)}, cells keyed "ROW|COL".
    computed = models.JSONField(default=dict)
    computed_at = models.DateTimeField(null=True, blank=True)
    # Set when the tables were imported from a workbook compiled elsewhere rather than computed.
    imported_from = models.CharField("导入来源", max_length=200, blank=True)
    # Table 二's figures from other systems: {"LICENCE|decisions": {"value": 12, "source": "…"}}.
    entered = models.JSONField(default=dict, blank=True)
    # [{"table": "三", "cell": "NEW|NAT", "value": 5, "reason": "…", "by": "user", "at": "…"}]
    overrides = models.JSONField(default=list, blank=True)
    # Section 一's figures as computed from the records when the draft was last prepared
    # ({"press": 3, …}, reports.overview.FACTS); the prose's figures are checked against them.
    facts = models.JSONField(default=dict, blank=True)
    # 一、总体情况; 五、存在的主要问题及改进情况; 六、其他需要报告的事项
    overview = models.TextField("一、总体情况", blank=True)
    problems_text = models.TextField("五、存在的主要问题及改进情况", blank=True)
    other_text = models.TextField("六、其他需要报告的事项", blank=True)
    # How many figures failed the checks when the report was last written: the identities and records
    # checks that block (``services.report_problems``) and the auditor's warnings not yet acknowledged
    # (the supervision dashboard counts reports with problems without recomputing each).
    problem_count = models.PositiveIntegerField("数字不符处数", default=0)
    # The auditor's warnings the approver has acknowledged (issue 23 §3), each with its reason:
    # [{"key": Finding.key, "explanation": "…", "reason": "…", "by": "user", "at": "…"}]
    acknowledgements = models.JSONField(default=list, blank=True)
    fee_yuan = models.PositiveIntegerField("本年收取信息处理费（元）", default=0)
    fee_cases = models.PositiveIntegerField("收费件数", default=0)
    published_on = models.DateField("发布日期", null=True, blank=True)
    # A published report's files, rendered once and kept (core.rendered); public, like the report.
    docx = models.FileField(upload_to=report_file_name, blank=True)
    pdf = models.FileField(upload_to=report_file_name, blank=True)
    xlsx = models.FileField(upload_to=report_file_name, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "org__path"]
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="report_one_per_year")]
        indexes = [models.Index(fields=["year", "state"], name="report_year_state")]
        verbose_name = "政府信息公开工作年度报告"
        verbose_name_plural = "政府信息公开工作年度报告"

    def __str__(self) -> str:
        return f"{self.org.name}{self.year}年政府信息公开工作年度报告"
