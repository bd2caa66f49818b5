"""The openness work the annual report's section 一 counts besides items and applications: press
conferences (新闻发布会) and training sessions and meetings (培训、会议). Each is a record a body's
clerk keeps as it happens; the figures are counted from them, never typed into a report."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from gongkai.core.models import MonthlyFigures


class PressConference(models.Model):
    """新闻发布会: when, on what, who spoke (and whether the body's head attended, 主要负责人出席),
    with the interpretations it gave and its transcript as catalogue items."""

    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="press_conferences")
    held_on = models.DateField("举行日期")
    topic = models.CharField("主题", max_length=200)
    speakers = models.CharField("发布人", max_length=300, help_text="新闻发言人、负责人等，以顿号分隔")
    head_attended = models.BooleanField("主要负责人出席", default=False)
    transcript = models.ForeignKey(
        "catalogue.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="实录"
    )
    interpretations = models.ManyToManyField(
        "catalogue.Document", blank=True, related_name="press_conferences", verbose_name="发布的政策解读"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["org", "held_on"], name="press_org_day")]
        verbose_name = "新闻发布会"
        verbose_name_plural = "新闻发布会"

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.topic}"


class SessionKind(models.TextChoices):
    TRAINING = "training", "培训"
    MEETING = "meeting", "会议"


class TrainingSession(models.Model):
    """A training session or a meeting on openness work, with how many attended (section 一 and the
    2019–2020 format's 会议和培训)."""

    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="training_sessions")
    kind = models.CharField("类型", max_length=10, choices=SessionKind.choices)
    held_on = models.DateField("日期")
    title = models.CharField("名称", max_length=200)
    attendance = models.PositiveIntegerField("参加人次")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["org", "held_on"], name="training_org_day")]
        verbose_name = "培训和会议"
        verbose_name_plural = "培训和会议"

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"


class ResponseChannel(models.TextChoices):
    PRESS = "press", "新闻发布会"
    WEBSITE = "website", "政府网站"
    NEW_MEDIA = "new_media", "政务新媒体"
    INTERVIEW = "interview", "媒体采访"
    OTHER = "other", "其他"


class ConcernResponse(models.Model):
    """回应关切: a response to a public concern or a public-opinion event (回应舆情): what, when,
    through which channel, and the items that carried it."""

    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="concern_responses")
    responded_on = models.DateField("回应日期")
    concern = models.CharField("关切事项", max_length=300)
    channel = models.CharField("回应渠道", max_length=12, choices=ResponseChannel.choices)
    public_opinion = models.BooleanField("属于舆情回应", default=False)
    items = models.ManyToManyField(
        "catalogue.Document", blank=True, related_name="concern_responses", verbose_name="相关信息"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-responded_on", "-id"]
        indexes = [models.Index(fields=["org", "responded_on"], name="response_org_day")]
        verbose_name = "回应关切"
        verbose_name_plural = "回应关切"

    def __str__(self) -> str:
        return f"{self.responded_on:%Y-%m-%d} {self.concern}"


class ProposalKind(models.TextChoices):
    SUGGESTION = "suggestion", "人大代表建议"
    PROPOSAL = "proposal", "政协委员提案"


class DeputyProposal(models.Model):
    """人大代表建议、政协提案 assigned to the body: received, replied (with the date), and the reply
    published where it is public (a catalogue item)."""

    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="deputy_proposals")
    kind = models.CharField("类型", max_length=12, choices=ProposalKind.choices)
    number = models.CharField("编号", max_length=40)
    title = models.CharField("案由", max_length=300)
    received_on = models.DateField("交办日期")
    replied_on = models.DateField("答复日期", null=True, blank=True)
    reply_item = models.ForeignKey(
        "catalogue.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="公开的答复",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "kind", "number"], name="proposal_unique_number"),
            models.CheckConstraint(
                condition=models.Q(replied_on__isnull=True) | models.Q(replied_on__gte=models.F("received_on")),
                name="proposal_replied_after_received",
            ),
        ]
        verbose_name = "建议提案"
        verbose_name_plural = "建议提案"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class PointKind(models.TextChoices):
    ARCHIVES = "archives", "档案馆"
    LIBRARY = "library", "图书馆"
    SERVICE_CENTRE = "service_centre", "政务服务中心"
    OWN_ROOM = "own_room", "本机关阅览室"


class ReadingPoint(models.Model):
    """A public reading point (查阅点) where the body's information can be consulted (Art. 24's 查阅;
    listed in its 政府信息公开指南, Art. 12)."""

    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="reading_points")
    kind = models.CharField("类型", max_length=16, choices=PointKind.choices)
    name = models.CharField("名称", max_length=100)
    address = models.CharField("地址", max_length=200)
    hours = models.CharField("开放时间", max_length=200)
    holdings = models.CharField("可查阅的内容", max_length=300, blank=True)
    active = models.BooleanField("开放", default=True)

    class Meta:
        ordering = ["org__path", "kind", "id"]
        verbose_name = "查阅点"
        verbose_name_plural = "查阅点"

    def __str__(self) -> str:
        return self.name


class ReadingTally(MonthlyFigures):
    """A reading point's month: visits and items consulted, with where the figures come from."""

    point = models.ForeignKey(ReadingPoint, on_delete=models.PROTECT, related_name="tallies")
    visits = models.PositiveIntegerField("接待人次")
    items_consulted = models.PositiveIntegerField("查阅件次")

    class Meta(MonthlyFigures.Meta):
        ordering = ["-year", "-month"]
        constraints = [
            *MonthlyFigures.Meta.constraints,
            models.UniqueConstraint(fields=["point", "year", "month"], name="reading_tally_one_per_month"),
        ]
        verbose_name = "查阅点接待情况"
        verbose_name_plural = "查阅点接待情况"

    def __str__(self) -> str:
        return f"{self.point.name}{self.year}年{self.month}月"


class Platform(models.TextChoices):
    WEIBO = "weibo", "政务微博"
    WECHAT = "wechat", "政务微信公众号"
    DOUYIN = "douyin", "政务抖音号"
    TOUTIAO = "toutiao", "政务头条号"
    APP = "app", "政务客户端"
    OTHER = "other", "其他"


class NewMediaAccount(models.Model):
    """政务新媒体: an account a body runs, with its operator (运营主体); the list a supervisor keeps of
    the bodies below it (政府网站与政务新媒体)."""

    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="new_media_accounts")
    platform = models.CharField("平台", max_length=10, choices=Platform.choices)
    name = models.CharField("账号名称", max_length=100)
    operator = models.CharField("运营主体", max_length=100)
    active = models.BooleanField("在运营", default=True)

    class Meta:
        ordering = ["org__path", "platform", "name"]
        constraints = [models.UniqueConstraint(fields=["platform", "name"], name="new_media_unique_account")]
        verbose_name = "政务新媒体账号"
        verbose_name_plural = "政务新媒体账号"

    def __str__(self) -> str:
        return f"{self.get_platform_display()}“{self.name}”"


class NewMediaFigures(MonthlyFigures):
    """An account's month: posts published and followers at the month's end, with their source."""

    account = models.ForeignKey(NewMediaAccount, on_delete=models.PROTECT, related_name="figures")
    posts = models.PositiveIntegerField("发布信息条数")
    followers = models.PositiveIntegerField("关注人数（月末）")

    class Meta(MonthlyFigures.Meta):
        ordering = ["-year", "-month"]
        constraints = [
            *MonthlyFigures.Meta.constraints,
            models.UniqueConstraint(fields=["account", "year", "month"], name="new_media_one_per_month"),
        ]
        verbose_name = "政务新媒体月度数据"
        verbose_name_plural = "政务新媒体月度数据"

    def __str__(self) -> str:
        return f"{self.account.name}{self.year}年{self.month}月"


class GazetteIssue(models.Model):
    """政府公报: one issue of the body's gazette (year, issue number, date of publication), whose
    contents are catalogue items (规章, 规范性文件, 解读 and others), in the order the issue prints them.
    The 公报 counts of a year come from these records."""

    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="gazette_issues")
    year = models.PositiveSmallIntegerField("年份")
    number = models.PositiveSmallIntegerField("期号")
    published_on = models.DateField("出版日期")
    items = models.ManyToManyField(
        "catalogue.Document", through="GazetteEntry", related_name="gazette_issues", verbose_name="目录"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-number"]
        constraints = [models.UniqueConstraint(fields=["org", "year", "number"], name="gazette_one_issue_number")]
        verbose_name = "政府公报"
        verbose_name_plural = "政府公报"

    def __str__(self) -> str:
        return f"{self.year}年第{self.number}期"


class GazetteEntry(models.Model):
    """One item of an issue's table of contents, at its place."""

    issue = models.ForeignKey(GazetteIssue, on_delete=models.CASCADE, related_name="entries")
    document = models.ForeignKey("catalogue.Document", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["issue", "position"]
        constraints = [models.UniqueConstraint(fields=["issue", "document"], name="gazette_item_once")]
        verbose_name = "公报目录条目"
        verbose_name_plural = "公报目录条目"

    def __str__(self) -> str:
        return f"{self.issue} {self.position}"
