"""政民互动: the public message box of each body (领导信箱, 咨询, 建议, 投诉).

The public writes in through the portal and gets a tracking code and a password; the body's staff
reply within the working-day limit the body sets for the channel; with the writer's consent a reply
is published together with the question, both as the staff edited them for publication (personal
data removed). A message that is in fact a request for government information is turned into an
application (依申请公开) in one step.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from gongkai.core.models import MonthlyFigures


class Channel(models.TextChoices):
    LEADER = "leader", "领导信箱"
    CONSULT = "consult", "咨询"
    SUGGEST = "suggest", "建议"
    COMPLAIN = "complain", "投诉"


class MessageBox(models.Model):
    """A channel a body has switched on, with its reply limit in working days."""

    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="message_boxes")
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    enabled = models.BooleanField("开通", default=True)
    reply_working_days = models.PositiveSmallIntegerField("答复时限（工作日）", default=10)
    intro = models.TextField("说明", blank=True)

    class Meta:
        ordering = ["org__path", "channel"]
        constraints = [models.UniqueConstraint(fields=["org", "channel"], name="message_box_one_per_channel")]
        verbose_name = "互动渠道"
        verbose_name_plural = "互动渠道"

    def __str__(self) -> str:
        return f"{self.org.name}{self.get_channel_display()}"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    FAIRLY = "fairly", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"


class MessageState(models.TextChoices):
    RECEIVED = "received", "待答复"
    REPLIED = "replied", "已答复"
    CONVERTED = "converted", "已转为政府信息公开申请"
    DISMISSED = "dismissed", "不予答复"


class Message(models.Model):
    box = models.ForeignKey(MessageBox, on_delete=models.PROTECT, related_name="messages")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="messages")
    tracking_code = models.CharField("查询码", max_length=20, unique=True)
    secret_hash = models.CharField(max_length=255)
    state = models.CharField("状态", max_length=10, choices=MessageState.choices, default=MessageState.RECEIVED)
    # The writer: personal data, seen only by the body's working staff (masked in lists).
    writer_name = models.CharField("姓名", max_length=60)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    subject = models.CharField("标题", max_length=100)
    body = models.TextField("内容")
    consent_to_publish = models.BooleanField("同意公开", default=False)
    received_on = models.DateField("收到日期")
    due_date = models.DateField("答复期限")
    due_provisional = models.BooleanField(default=False)
    reply = models.TextField("答复内容", blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dismiss_reason = models.TextField(blank=True)
    # Published with the writer's consent, as the staff edited them for publication (no personal data).
    published = models.BooleanField("已公开", default=False)
    published_question = models.TextField("公开的问题", blank=True)
    published_reply = models.TextField("公开的答复", blank=True)
    published_on = models.DateField(null=True, blank=True)
    application = models.OneToOneField(
        "applications.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="from_message"
    )
    # The writer's one-question rating of the reply (社会评议), given once, from the tracking page.
    satisfaction = models.CharField("满意度", max_length=12, choices=Satisfaction.choices, blank=True)
    # When the writer was told by mail that the reply is given (once; interaction.notify).
    reply_mailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["org", "state", "due_date"], name="message_inbox"),
            # The supervision dashboard's counts of a period, each from its index alone.
            models.Index(fields=["org", "received_on", "state", "satisfaction"], name="message_org_received"),
            models.Index(fields=["org", "replied_on", "state", "due_date"], name="message_org_replied"),
            models.Index(fields=["received_on", "org", "state", "satisfaction"], name="message_received_org"),
            models.Index(fields=["replied_on", "org", "state", "due_date"], name="message_replied_org"),
            models.Index(fields=["org", "-published_on"], condition=Q(published=True), name="message_published"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(published=False) | Q(consent_to_publish=True, state="replied"),
                name="message_published_only_with_consent",
            ),
        ]
        verbose_name = "留言"
        verbose_name_plural = "留言"

    def __str__(self) -> str:
        return f"留言 {self.tracking_code}"


class OfflineChannel(models.TextChoices):
    HOTLINE = "hotline", "热线电话"
    ONSITE = "onsite", "现场咨询"
    RECEPTION = "reception", "领导接待日"
    LETTER = "letter", "来信"


class OfflineTally(MonthlyFigures):
    """What came in through a channel outside the platform in a month, entered with its source (the
    hotline's system, the reception register): counted with the messages, never typed into a report."""

    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="offline_tallies")
    channel = models.CharField("渠道", max_length=10, choices=OfflineChannel.choices)
    count = models.PositiveIntegerField("件数")

    class Meta(MonthlyFigures.Meta):
        ordering = ["org__path", "-year", "-month", "channel"]
        constraints = [
            *MonthlyFigures.Meta.constraints,
            models.UniqueConstraint(fields=["org", "channel", "year", "month"], name="offline_tally_one_per_month"),
        ]
        verbose_name = "线下渠道件数"
        verbose_name_plural = "线下渠道件数"

    def __str__(self) -> str:
        return f"{self.org.name}{self.year}年{self.month}月{self.get_channel_display()}"
