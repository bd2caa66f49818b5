"""Organisations as a tree, and people's roles in them.

The tree is stored with a materialised path (``/1/7/42/``) so that "this body and everything below
it" is one indexed prefix query on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class OrgKind(models.TextChoices):
    PROVINCE = "province", "自治区/省"
    CITY = "city", "盟/市"
    COUNTY = "county", "旗/县/区"
    TOWNSHIP = "township", "乡镇/街道"
    DEPARTMENT = "department", "政府部门"


class Organisation(models.Model):
    name = models.CharField("机构名称", max_length=100)
    slug = models.SlugField("网址标识", max_length=60, unique=True)
    kind = models.CharField("机构类型", max_length=20, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name="上级机构"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    # 第十二条: the 指南 names the office, its address, hours, phone, fax and online contact.
    office_name = models.CharField("政府信息公开工作机构", max_length=100, blank=True)
    office_address = models.CharField("办公地址", max_length=200, blank=True)
    office_postcode = models.CharField("邮政编码", max_length=6, blank=True)
    office_hours = models.CharField("办公时间", max_length=200, blank=True)
    office_phone = models.CharField("联系电话", max_length=50, blank=True)
    office_fax = models.CharField("传真", max_length=50, blank=True)
    office_email = models.EmailField("电子邮箱", blank=True)
    office_website = models.CharField("网上联系方式", max_length=200, blank=True)
    functions = models.TextField("机构职能", blank=True)
    # Art. 51: the letters' rights notice names where to apply: the reconsideration body (复议机关,
    # e.g. the people's government at the same level) and the court of first instance.
    reconsideration_body = models.CharField("行政复议机关", max_length=100, blank=True)
    competent_court = models.CharField("管辖法院", max_length=100, blank=True)
    # 政府信息公开制度 (Art. 45 working rules) as published on the portal.
    disclosure_rules = models.TextField("政府信息公开制度", blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["path"]
        verbose_name = "机构"
        verbose_name_plural = "机构"

    def __str__(self) -> str:
        return self.name

    def is_government(self) -> bool:
        return self.kind != OrgKind.DEPARTMENT


class Role(models.TextChoices):
    CLERK = "clerk", "公开专员"
    REVIEWER = "reviewer", "保密审查"
    LEADER = "leader", "分管领导"
    SUPERVISOR = "supervisor", "监督"
    ADMIN = "admin", "管理员"


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "org", "role"], name="membership_unique_role")]
        verbose_name = "角色"
        verbose_name_plural = "角色"

    def __str__(self) -> str:
        return f"{self.user} @ {self.org} ({self.get_role_display()})"
