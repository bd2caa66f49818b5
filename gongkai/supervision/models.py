"""Supervision (监督考核, Art. 47–53): what a higher office finds at a body below it and how the body
rectifies it (督查 and 整改), and the accountability measures taken (责任追究, Art. 52–53).

The dashboard's figures are not stored: they are counted from the records when asked
(``supervision.indicators``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from gongkai.core.storage import private_storage, random_name


class FindingState(models.TextChoices):
    OPEN = "open", "待整改"
    RESPONDED = "responded", "整改待审核"
    ACCEPTED = "accepted", "已销号"


class Finding(models.Model):
    """A 督查 finding an office opens against a body below it, with a deadline in working days for
    its rectification (整改). ``indicator`` names the dashboard figure it came from, if any, so that
    repeat findings on the same matter are seen."""

    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="findings", verbose_name="被督查机关"
    )
    office = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="督查机关")
    title = models.CharField("问题", max_length=200)
    detail = models.TextField("问题描述和整改要求")
    indicator = models.CharField("来源指标", max_length=40, blank=True)
    period_start = models.DateField("统计期间起", null=True, blank=True)
    period_end = models.DateField("统计期间止", null=True, blank=True)
    opened_on = models.DateField("下发日期")
    working_days = models.PositiveSmallIntegerField("整改时限（工作日）")
    due_date = models.DateField("整改期限")
    due_provisional = models.BooleanField(default=False)
    state = models.CharField("状态", max_length=10, choices=FindingState.choices, default=FindingState.OPEN)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        indexes = [
            models.Index(fields=["org", "state"], name="finding_org_state"),
            models.Index(fields=["office", "state"], name="finding_office_state"),
        ]
        verbose_name = "督查问题"
        verbose_name_plural = "督查问题"

    def __str__(self) -> str:
        return self.title


def evidence_name(instance: object, filename: str) -> str:
    suffix = filename[filename.rfind(".") :].lower()[:6] if "." in filename else ""
    return random_name("rectification", suffix)


class Rectification(models.Model):
    """The body's account of its rectification with its evidence (a file kept privately, readable by
    the body's staff and the office), and the office's decision on it."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="rectifications")
    text = models.TextField("整改情况")
    evidence = models.FileField("佐证材料", upload_to=evidence_name, storage=private_storage, blank=True)
    evidence_name = models.CharField("佐证材料文件名", max_length=255, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_on = models.DateField("报送日期")
    accepted = models.BooleanField("通过", null=True)
    decision_note = models.TextField("审核意见", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField("审核日期", null=True, blank=True)

    class Meta:
        ordering = ["finding", "id"]
        verbose_name = "整改报告"
        verbose_name_plural = "整改报告"

    def __str__(self) -> str:
        return f"{self.finding_id}: {self.submitted_on}"


class Conduct(models.TextChoices):
    """The conduct Art. 52–53 of the 2019 Regulations name (their wording is not in this project's
    sources; docs/supervision.md says so)."""

    NO_SECRECY_REVIEW = "art52", "未建立健全政府信息发布保密审查机制（第五十二条）"
    NOT_PERFORMING = "art53_1", "不依法履行政府信息公开职能（第五十三条第（一）项）"
    NOT_UPDATING = "art53_2", "不及时更新公开的政府信息内容、政府信息公开指南和政府信息公开目录（第五十三条第（二）项）"
    OTHER = "art53_3", "违反本条例规定的其他情形（第五十三条第（三）项）"


class Accountability(models.Model):
    """责任追究: a measure taken against a body (or its staff, unnamed here) for conduct Art. 52–53
    name. Kept by the office and visible only to it."""

    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="被追责机关")
    office = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="决定机关")
    conduct = models.CharField("违法行为", max_length=10, choices=Conduct.choices)
    facts = models.TextField("事实")
    measure = models.CharField(
        "处理措施", max_length=200, help_text="如：责令改正、通报批评、对负有责任的领导人员和直接责任人员依法给予处分"
    )
    decided_on = models.DateField("决定日期")
    finding = models.ForeignKey(Finding, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = "责任追究"
        verbose_name_plural = "责任追究"

    def __str__(self) -> str:
        return f"{self.get_conduct_display()} {self.decided_on}"


class AssessmentScheme(models.Model):
    """考核方案: an office's scheme for a year, its items (``supervision.scoring.Item`` as JSON). Each
    change of a locked scheme is a new version; a version is locked when the year's scoring starts
    and never changes after."""

    office = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="考核机关")
    year = models.PositiveSmallIntegerField("考核年度")
    version = models.PositiveSmallIntegerField("版本")
    name = models.CharField("名称", max_length=200)
    items = models.JSONField("考核指标", default=list)
    locked_on = models.DateField("锁定日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-version"]
        constraints = [models.UniqueConstraint(fields=["office", "year", "version"], name="scheme_version_once")]
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"


class ScoreRun(models.Model):
    """One scoring of every body below the office under a locked scheme, for the scheme's year:
    ``results`` maps a body's id to its score and breakdown as computed (never edited; manual
    adjustments are separate and approved)."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.PROTECT, related_name="runs")
    period_start = models.DateField()
    period_end = models.DateField()
    results = models.JSONField(default=dict)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-computed_at", "-id"]
        verbose_name = "考核评分"
        verbose_name_plural = "考核评分"

    def __str__(self) -> str:
        return f"{self.scheme} {self.computed_at:%Y-%m-%d %H:%M}"


class AdjustmentState(models.TextChoices):
    PROPOSED = "proposed", "待批准"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未批准"


class Adjustment(models.Model):
    """A manual change of a body's score: with its reason, proposed by one supervisor of the office
    and approved by another."""

    run = models.ForeignKey(ScoreRun, on_delete=models.CASCADE, related_name="adjustments")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField("调整分值", max_digits=7, decimal_places=2)
    reason = models.TextField("理由")
    state = models.CharField(max_length=10, choices=AdjustmentState.choices, default=AdjustmentState.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "id"]
        verbose_name = "评分调整"
        verbose_name_plural = "评分调整"

    def __str__(self) -> str:
        return f"{self.org_id} {self.points}"


class EvaluationSource(models.TextChoices):
    THIRD_PARTY = "third_party", "第三方评估"
    MEETING = "meeting", "评议会议"
    SURVEY = "survey", "问卷调查"
    OTHER = "other", "其他"


class PublicEvaluation(models.Model):
    """社会评议 entered by the office for a period: a third-party assessment, a 评议 meeting, a survey,
    with the score (out of 100) it gave the body and where it comes from."""

    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="被评议机关")
    office = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="录入机关")
    source = models.CharField("评议方式", max_length=12, choices=EvaluationSource.choices)
    period_start = models.DateField("评议期间起")
    period_end = models.DateField("评议期间止")
    score = models.PositiveSmallIntegerField("得分（百分制）")
    note = models.CharField("说明（评估机构、参加人数等）", max_length=300)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_end", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(score__lte=100), name="evaluation_score_at_most_100"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="evaluation_period_ordered"
            ),
        ]
        verbose_name = "社会评议"
        verbose_name_plural = "社会评议"

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.period_end}"


class DigestPreference(models.Model):
    """What a person wants in the daily digest by e-mail (all of it unless they say otherwise)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest")
    enabled = models.BooleanField("接收每日提醒邮件", default=True)
    applications = models.BooleanField("依申请公开：即将到期和逾期的申请", default=True)
    catalogue = models.BooleanField("主动公开：即将到期和逾期未公开的信息", default=True)
    messages = models.BooleanField("政民互动：逾期未答复的留言", default=True)
    findings = models.BooleanField("督查：待整改、待审核和整改逾期的问题", default=True)

    class Meta:
        verbose_name = "每日提醒设置"
        verbose_name_plural = "每日提醒设置"

    def __str__(self) -> str:
        return str(self.user_id)


class DigestSent(models.Model):
    """The digest a person was sent on a day (one per person and day: the nightly job is idempotent)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    lines = models.JSONField(default=list)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_a_day")]
        verbose_name = "每日提醒记录"
        verbose_name_plural = "每日提醒记录"

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"


class AuditSource(models.TextChoices):
    UPLOAD = "upload", "上传的已发布年报"
    PLATFORM = "platform", "平台上的年报"


class ReportAudit(models.Model):
    """A supervisor's audit of a lower body's annual report (issue 23 §3): a published report
    uploaded as a file, or the body's report on the platform, with the auditor's findings. The latest
    audit of a body's year is the current one, whose findings the dashboard counts. The file itself
    is not kept: a published report is public, and the findings quote what they concern."""

    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="被审核机关")
    office = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="督查机关")
    year = models.PositiveSmallIntegerField("年度")
    source = models.CharField("来源", max_length=10, choices=AuditSource.choices)
    filename = models.CharField("文件名", max_length=200, blank=True)
    report = models.ForeignKey(
        "reports.AnnualReport", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    findings = models.JSONField("审核发现", default=list)
    finding_count = models.PositiveIntegerField("问题数", default=0)
    current = models.BooleanField(default=True)
    audited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    audited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-audited_at", "-id"]
        indexes = [models.Index(fields=["year", "current", "org"], name="report_audit_year")]
        verbose_name = "年报审核"
        verbose_name_plural = "年报审核"

    def __str__(self) -> str:
        return f"{self.org.name}{self.year}年度年报审核"
