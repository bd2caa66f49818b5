"""Official holidays and make-up working days (调休), stored so administrators can edit them.

Each November the State Council announces next year's schedule (国务院办公厅《关于XXXX年部分节假日安排的
通知》); until an administrator marks that year loaded, any deadline that reaches into it is
provisional. Organisations may add their own days (e.g. local ethnic holidays, 条例 Art. 4 and the
autonomous regions' own rules); those apply to the body and everything below it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class CalendarYear(models.Model):
    year = models.PositiveSmallIntegerField("年份", unique=True)
    # True once the State Council's schedule for the year is entered in full.
    is_complete = models.BooleanField("已载入全年安排", default=True)
    source = models.CharField("来源", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = "年度日历"
        verbose_name_plural = "年度日历"

    def __str__(self) -> str:
        return f"{self.year}年"


class DaySource(models.TextChoices):
    PACKAGE = "package", "chinese-calendar 软件包"
    ADMIN = "admin", "管理员录入"


class CalendarDay(models.Model):
    date = models.DateField("日期", db_index=True)
    org = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_days",
        verbose_name="适用机构（空为全国）",
    )
    # True: a day off (holiday). False: a make-up working day (调休上班) on a weekend.
    is_off_day = models.BooleanField("放假")
    name = models.CharField("名称", max_length=100)
    source = models.CharField(max_length=20, choices=DaySource.choices, default=DaySource.ADMIN)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["date"], condition=Q(org__isnull=True), name="calendarday_national_unique"),
            models.UniqueConstraint(
                fields=["date", "org"], condition=Q(org__isnull=False), name="calendarday_org_unique"
            ),
        ]
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"

    def __str__(self) -> str:
        kind = "放假" if self.is_off_day else "调休上班"
        return f"{self.date} {self.name}（{kind}）"
