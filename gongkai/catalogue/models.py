"""The catalogue of proactively disclosed government information (主动公开, 条例 Art. 19–26).

Process state (where an item is in the publication workflow) is kept apart from validity (有效性,
whether the instrument is still in force): a revoked (废止) instrument stays published and public.

Over 400 lines on purpose: the catalogue's schema (the item and its vocabularies, attachments, the
import checkpoints and uploads, the register of issued documents) is read as one, and each model is
short.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from gongkai.core.storage import private_storage, random_name


class Vocabulary(models.TextChoices):
    TOPIC = "topic", "主题分类"
    GENRE = "genre", "体裁"
    ART20 = "art20", "主动公开事项（第二十条）"


class Term(models.Model):
    """A term of a versioned controlled vocabulary (spec §3: vocabularies are data, not strings in code).

    Items keep the term (and so the version) they were classified under; a later version of the
    vocabulary does not relabel old items.
    """

    vocabulary = models.CharField(max_length=10, choices=Vocabulary.choices)
    version = models.CharField(max_length=30)
    code = models.CharField(max_length=20)
    label = models.CharField(max_length=100)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    position = models.PositiveIntegerField(default=0)
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["vocabulary", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["vocabulary", "version", "code"], name="term_unique_code"),
        ]
        verbose_name = "词表条目"
        verbose_name_plural = "词表条目"

    def __str__(self) -> str:
        return self.path_label

    @property
    def path_label(self) -> str:
        # gov.cn shows two-level topics as "一级\二级".
        if self.parent is not None:
            return f"{self.parent.label}\\{self.label}"
        return self.label


class DocumentState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待保密审查"
    REVIEWED = "reviewed", "待领导审批"
    APPROVED = "approved", "待发布"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


class Validity(models.TextChoices):
    CURRENT = "current", "现行有效"
    AMENDED = "amended", "已修改"
    REPEALED = "repealed", "已废止"


class Instrument(models.TextChoices):
    """Whether an item is a 规章 or a 行政规范性文件: table 二 of the annual report counts both (Art.
    20(1)); most items are neither."""

    NONE = "", "—"
    REGULATION = "regulation", "规章"
    NORMATIVE = "normative", "行政规范性文件"


class InterpretationForm(models.TextChoices):
    """How a 政策解读 interprets its policy (文字、图解、视频、问答), as portals label them."""

    NONE = "", "—"
    TEXT = "text", "文字解读"
    GRAPHIC = "graphic", "图解"
    VIDEO = "video", "视频解读"
    QA = "qa", "问答解读"


class Interpreter(models.TextChoices):
    """Who interprets: the drafting body (谁起草、谁解读), its head, an expert, or the media."""

    NONE = "", "—"
    OFFICIAL = "official", "起草部门解读"
    HEAD = "head", "主要负责人解读"
    EXPERT = "expert", "专家解读"
    MEDIA = "media", "媒体解读"


class DisclosureMethod(models.TextChoices):
    PROACTIVE = "proactive", "主动公开"
    ON_APPLICATION = "on_application", "依申请公开"


class Document(models.Model):
    """政府信息: one catalogue item with its statutory metadata (spec §5)."""

    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="documents", verbose_name="发布机构"
    )
    # Name of the issuing body as it was when published; renaming the body later changes nothing here.
    publisher_name = models.CharField("发布机构名称", max_length=100, blank=True)
    state = models.CharField("状态", max_length=20, choices=DocumentState.choices, default=DocumentState.DRAFT)

    # 索引号: credit code + "/" + year + "-" + 5-digit serial; assigned once, never changed or reused.
    index_number = models.CharField("索引号", max_length=40, null=True, blank=True, unique=True)

    title = models.CharField("名称", max_length=500)
    summary = models.TextField("内容概述", blank=True)
    doc_number = models.CharField("文号", max_length=100, blank=True)
    doc_number_code = models.CharField(max_length=60, blank=True, db_index=True)
    doc_number_year = models.PositiveSmallIntegerField(null=True, blank=True)
    doc_number_serial = models.PositiveIntegerField(null=True, blank=True)
    doc_number_key = models.CharField(max_length=120, blank=True, db_index=True)

    written_date = models.DateField("成文日期", null=True, blank=True)
    published_date = models.DateField("发布日期", null=True, blank=True, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)

    topic = models.ForeignKey(
        Term,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="主题分类",
        limit_choices_to={"vocabulary": "topic"},
    )
    genre = models.ForeignKey(
        Term,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="体裁",
        limit_choices_to={"vocabulary": "genre"},
    )
    art20_item = models.ForeignKey(
        Term,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="公开事项",
        limit_choices_to={"vocabulary": "art20"},
    )
    disclosure_method = models.CharField(
        "公开方式", max_length=20, choices=DisclosureMethod.choices, default=DisclosureMethod.PROACTIVE
    )

    validity = models.CharField("有效性", max_length=20, choices=Validity.choices, default=Validity.CURRENT)
    instrument = models.CharField("规章或规范性文件", max_length=12, choices=Instrument.choices, default="", blank=True)
    effective_date = models.DateField("生效日期", null=True, blank=True)
    amended_date = models.DateField("修改日期", null=True, blank=True)
    repealed_date = models.DateField("废止日期", null=True, blank=True)

    keywords = models.CharField("主题词", max_length=300, blank=True)
    body = models.TextField("正文", blank=True)

    # 政策解读: an item that interprets another (a 规章 or 规范性文件 above all), shown on both pages;
    # the 三同步 figures count the policies that have one (catalogue.interpretation).
    interprets = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interpretations",
        verbose_name="所解读的政策文件",
    )
    interpretation_form = models.CharField(
        "解读形式", max_length=10, choices=InterpretationForm.choices, default="", blank=True
    )
    interpreter = models.CharField("解读主体", max_length=10, choices=Interpreter.choices, default="", blank=True)
    video_url = models.URLField("视频地址", max_length=500, blank=True)

    # 第二十六条: publish within 20 working days of the information being formed or changed.
    formed_date = models.DateField("信息形成（变更）日期")
    # "法律、法规对政府信息公开的期限另有规定的，从其规定": the period can differ per item.
    disclosure_period_days = models.PositiveSmallIntegerField("公开时限（工作日）", default=20)
    publish_due = models.DateField("公开期限", null=True, blank=True, db_index=True)
    publish_due_provisional = models.BooleanField(default=False)
    publish_due_explanation = models.JSONField(default=dict, blank=True)
    published_late = models.BooleanField("逾期公开", default=False)

    last_rejection_reason = models.TextField(blank=True)
    withdrawal_reason = models.TextField(blank=True)

    # Set when the item came from a bulk import: re-importing the same source id updates, never duplicates.
    source_id = models.CharField(max_length=100, null=True, blank=True, unique=True)
    source_hash = models.CharField(max_length=64, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_date", "-id"]
        indexes = [
            models.Index(fields=["org", "state", "publish_due"]),
            models.Index(fields=["state", "published_date"]),
            # The supervision dashboard counts each body's items of a period, on time or not, and its
            # 规章 and 规范性文件, from this index alone (docs/supervision.md, "Scale").
            models.Index(
                fields=["org", "state", "published_date", "published_late", "instrument"], name="doc_org_published"
            ),
            # The same led by the date, which PostgreSQL prefers when a subtree holds most bodies.
            models.Index(
                fields=["published_date", "state", "org", "published_late", "instrument"], name="doc_published_org"
            ),
            # The interpretations (a few per cent of items): which policies have one.
            models.Index(fields=["interprets", "state"], condition=Q(interprets__isnull=False), name="doc_interprets"),
            # Table 二 of the annual report counts 规章 and 行政规范性文件, a few percent of items.
            models.Index(fields=["org", "instrument", "state"], condition=~Q(instrument=""), name="doc_instrument"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state__in=["published", "withdrawn"])
                | (Q(index_number__isnull=False) & Q(published_date__isnull=False)),
                name="document_published_has_index_number",
            ),
            models.CheckConstraint(
                condition=~Q(validity="repealed") | Q(repealed_date__isnull=False),
                name="document_repealed_has_date",
            ),
        ]
        verbose_name = "政府信息"
        verbose_name_plural = "政府信息"

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.state == DocumentState.PUBLISHED


class IndexSequence(models.Model):
    """The last serial issued per organisation and year; locked while a number is issued."""

    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="indexsequence_unique")]

    def __str__(self) -> str:
        return f"{self.org_id}/{self.year}: {self.last}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # The content's hash, not the uploader's name: a name of any length or script makes a valid path,
    # and a draft's file cannot be guessed from its title. The name is kept in ``original_name``.
    suffix = filename[filename.rfind(".") :].lower()[:6] if "." in filename else ""
    return f"attachments/{instance.document_id}/{instance.sha256[:32]}{suffix}"


class Attachment(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField("文件名", max_length=255)
    kind = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    extracted_text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "附件"
        verbose_name_plural = "附件"

    def __str__(self) -> str:
        return self.original_name


class ImportRun(models.Model):
    """A bulk import's checkpoint, committed with each batch so an interrupted import resumes exactly."""

    fingerprint = models.CharField(max_length=64, unique=True)
    source_name = models.CharField(max_length=300)
    lines_done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    finished = models.BooleanField(default=False)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.source_name} ({self.lines_done})"


class UploadState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "导入中"
    DONE = "done", "已完成"
    FAILED = "failed", "未完成"


def upload_file_name(instance: object, filename: str) -> str:
    return random_name("catalogue-imports", ".gz" if filename.lower().endswith(".gz") else "")


class CatalogueUpload(models.Model):
    """A catalogue file uploaded in the workbench and imported by a job (``catalogue.jobs``).

    The file is kept in the private store (it is not public until imported, and it is the record of
    what was imported). Progress is copied from the import's checkpoint (``ImportRun``) after each
    committed batch, so what the page shows is what is in the catalogue.
    """

    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="catalogue_uploads", verbose_name="默认发布机构"
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=upload_file_name, storage=private_storage)
    original_name = models.CharField("文件名", max_length=255)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    fmt = models.CharField("格式", max_length=8)
    state = models.CharField("状态", max_length=10, choices=UploadState.choices, default=UploadState.QUEUED)
    total = models.PositiveIntegerField("总行数", null=True, blank=True)
    lines_done = models.PositiveIntegerField("已处理", default=0)
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("未变", default=0)
    rejected = models.PositiveIntegerField("拒绝", default=0)
    # [[line, reason], …]: the first REJECTIONS_KEPT rejected lines (``rejected`` counts them all).
    rejections = models.JSONField(default=list, blank=True)
    error = models.CharField("未完成的原因", max_length=500, blank=True)
    job_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    REJECTIONS_KEPT = 500

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["org", "-created_at"], name="upload_org_recent")]
        verbose_name = "批量导入"
        verbose_name_plural = "批量导入"

    def __str__(self) -> str:
        return self.original_name

    @property
    def percent(self) -> int:
        return min(100, self.lines_done * 100 // self.total) if self.total else 0


class DisclosureAttribute(models.TextChoices):
    """公开属性, decided for every document in its confidentiality review (Art. 17)."""

    PROACTIVE = "proactive", "主动公开"
    ON_APPLICATION = "on_application", "依申请公开"
    WITHHELD = "withheld", "不予公开"


class WithholdingReason(models.TextChoices):
    """Why a document is not made public, by the article that allows or requires it."""

    STATE_SECRET = "state_secret", "依法确定为国家秘密（第十四条）"
    LAW_FORBIDS = "law_forbids", "法律、行政法规禁止公开（第十四条）"
    THREE_SECURITIES = "three_securities", "公开后可能危及国家安全、公共安全、经济安全、社会稳定（第十四条）"
    TRADE_SECRET = "trade_secret", "涉及商业秘密（第十五条）"
    PRIVACY = "privacy", "涉及个人隐私（第十五条）"
    INTERNAL = "internal", "内部事务信息（第十六条第一款）"
    PROCESS = "process", "过程性信息（第十六条第二款）"
    ENFORCEMENT = "enforcement", "行政执法案卷信息（第十六条第二款）"


class IssuedDocument(models.Model):
    """A document the body issued (公文), registered with the 公开属性 its confidentiality review
    decided. Only metadata is kept: a 主动公开 document is published through the catalogue (``item``),
    the others are not published at all. The share made public (公文主动公开率) and the reasons for
    the rest are counted from these records; a 依申请公开 document can be switched to 主动公开 (Art. 44),
    keeping what it was before."""

    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="issued_documents")
    title = models.CharField("公文标题", max_length=500)
    doc_number = models.CharField("文号", max_length=100, blank=True)
    written_date = models.DateField("成文日期")
    attribute = models.CharField("公开属性", max_length=16, choices=DisclosureAttribute.choices)
    reason = models.CharField("不予公开的理由", max_length=20, choices=WithholdingReason.choices, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    item = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="主动公开的信息"
    )
    switched_on = models.DateField("转为主动公开日期", null=True, blank=True)
    switched_from = models.CharField("原公开属性", max_length=16, choices=DisclosureAttribute.choices, blank=True)
    switch_basis = models.CharField("转为主动公开的依据", max_length=300, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-written_date", "-id"]
        indexes = [models.Index(fields=["org", "written_date"], name="issued_org_written")]
        constraints = [
            # 不予公开 always names its reason; the other attributes never carry one.
            models.CheckConstraint(
                condition=(Q(attribute="withheld") & ~Q(reason="")) | (~Q(attribute="withheld") & Q(reason="")),
                name="issued_reason_iff_withheld",
            ),
            models.UniqueConstraint(
                fields=["org", "doc_number"], condition=~Q(doc_number=""), name="issued_doc_number_once"
            ),
        ]
        verbose_name = "公文公开属性"
        verbose_name_plural = "公文公开属性"

    def __str__(self) -> str:
        return self.title


class AreaSource(models.TextChoices):
    STANDARD = "standard", "基层政务公开标准目录"
    ART20 = "art20", "条例第二十条"
    ART21 = "art21", "条例第二十一条"


class KeyArea(models.Model):
    """A key area of disclosure (重点领域) a body can open a column for: the national 基层政务公开标准
    目录 areas and the items of Art. 20 and 21 by default. Data the administrator edits (an area in
    use is never deleted, only retired)."""

    code = models.CharField("代码", max_length=20, unique=True)
    label = models.CharField("名称", max_length=100)
    source = models.CharField("出处", max_length=10, choices=AreaSource.choices)
    position = models.PositiveIntegerField("排序", default=0)
    is_current = models.BooleanField("可选用", default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = "重点领域"
        verbose_name_plural = "重点领域"

    def __str__(self) -> str:
        return self.label


class UpdateFrequency(models.TextChoices):
    """How often a column promises new information; a column silent for longer is flagged."""

    ON_CHANGE = "on_change", "随信息形成或变更更新"
    MONTHLY = "monthly", "每月更新"
    QUARTERLY = "quarterly", "每季度更新"
    HALF_YEARLY = "half_yearly", "每半年更新"
    YEARLY = "yearly", "每年更新"


class KeyColumn(models.Model):
    """A body's column for a key area on its 政府信息公开 column, with the update frequency it declares;
    published catalogue items are filed into it (``ColumnEntry``)."""

    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="key_columns")
    area = models.ForeignKey(KeyArea, on_delete=models.PROTECT, related_name="columns", verbose_name="重点领域")
    name = models.CharField("栏目名称", max_length=100)
    frequency = models.CharField("更新频率", max_length=12, choices=UpdateFrequency.choices)
    active = models.BooleanField("开设中", default=True)
    items = models.ManyToManyField(Document, through="ColumnEntry", related_name="key_columns")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["org__path", "area__position", "id"]
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="key_column_unique_name")]
        verbose_name = "重点领域栏目"
        verbose_name_plural = "重点领域栏目"

    def __str__(self) -> str:
        return self.name


class ColumnEntry(models.Model):
    column = models.ForeignKey(KeyColumn, on_delete=models.CASCADE, related_name="entries")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="+")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["column", "document"], name="column_item_once")]
        verbose_name = "栏目信息"
        verbose_name_plural = "栏目信息"

    def __str__(self) -> str:
        return f"{self.column_id}:{self.document_id}"
