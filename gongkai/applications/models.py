"""Applications for disclosure (依申请公开, Art. 27–45 of the Regulations) and what hangs off them:
uploaded files, consultations and other pauses, letters, reconsideration and litigation.

State lives in one field, moved only by ``services`` through the transitions in ``workflow``. The
reply deadline is stored with its explanation and recomputed by the service after every step.

Over 400 lines on purpose: the app's models sit in one module, as Django expects, and most of the
length is the comments that tie each field to the article it records.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from gongkai.applications.outcomes import REPLY_TYPES, OutcomeCode, ReplyType
from gongkai.applications.receipt import CHANNEL_LABELS, Channel
from gongkai.core.storage import application_file_name, letter_file_name, private_storage


class ApplicantType(models.TextChoices):
    """The columns of table 三 (申请人情况): 自然人, and 法人或其他组织 by sub-type."""

    NATURAL = "NAT", "自然人"
    BUSINESS = "BIZ", "商业企业"
    RESEARCH = "RES", "科研机构"
    NONPROFIT = "NPO", "社会公益组织"
    LEGAL = "LAW", "法律服务机构"
    OTHER = "OTH", "其他"


class State(models.TextChoices):
    RECEIVED = "received", "已登记"
    CORRECTION_REQUESTED = "correction_requested", "待补正"
    IN_REVIEW = "in_review", "办理中"
    CONSULTING = "consulting", "征求意见中"
    FEE_NOTICE_SENT = "fee_notice_sent", "待缴费"
    REPLIED = "replied", "已答复"
    CLOSED = "closed", "已终止"
    ARCHIVED = "archived", "已归档"


def _reply_outcome_pairs() -> Q:
    allowed = Q(reply_type="", outcome="")
    for reply_type, (_, outcomes) in REPLY_TYPES.items():
        allowed |= Q(reply_type=reply_type, outcome__in=outcomes)
    return allowed


REPLY_OUTCOME_PAIRS = _reply_outcome_pairs()

OPEN_STATES = (State.RECEIVED, State.CORRECTION_REQUESTED, State.IN_REVIEW, State.CONSULTING, State.FEE_NOTICE_SENT)
# Waiting on someone else: the reply clock does not run (Art. 30, 33; 国办函〔2020〕109号).
CLOCK_STOPPED_STATES = (State.CORRECTION_REQUESTED, State.CONSULTING, State.FEE_NOTICE_SENT)


class Timeliness(models.TextChoices):
    """Art. 33: when the reply came, against the deadline it had on that day."""

    ON_TIME = "on_time", "按时答复"
    EXTENDED = "extended", "在批准延长的期限内答复"
    # Art. 35: a reply within the longer reasonable period the body set and told the applicant.
    DELAYED = "delayed", "在依第三十五条确定的合理期限内答复"
    LATE = "late", "逾期答复"


class Satisfaction(models.TextChoices):
    """The applicant's one-question rating after the reply (社会评议, whose results a government's
    report states, Art. 50(4); used by supervision)."""

    SATISFIED = "satisfied", "满意"
    FAIRLY = "fairly", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"


class DeliveryForm(models.TextChoices):
    """Art. 29(3) and 40: the form in which the applicant wants the information."""

    PAPER = "paper", "纸质文本"
    ELECTRONIC = "electronic", "电子文本"
    INSPECT = "inspect", "查阅、抄录"


class DeliveryWay(models.TextChoices):
    POST = "post", "邮寄"
    EMAIL = "email", "电子邮件"
    ONLINE = "online", "网上获取"
    COLLECT = "collect", "当面领取"


class Application(models.Model):
    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="applications", verbose_name="受理机关"
    )
    # The applicant's handle: shown on the receipt and typed back with the secret to follow the case.
    tracking_code = models.CharField("查询码", max_length=20, unique=True)
    secret_hash = models.CharField(max_length=255, blank=True)  # an scrypt hash string is ~131 characters
    channel = models.CharField("申请渠道", max_length=20, choices=[(c.value, CHANNEL_LABELS[c]) for c in Channel])
    oral = models.BooleanField("口头提出、代为填写", default=False)  # Art. 29
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Art. 31: the dates the receipt date is derived from, by channel.
    submitted_on = models.DateField("提交日期", null=True, blank=True)
    signed_for_on = models.DateField("签收日期", null=True, blank=True)
    confirmed_on = models.DateField("确认日期", null=True, blank=True)
    received_on = models.DateField("收到申请日期")

    # Art. 29(1): the applicant. Personal data: shown only to the handling body's staff, masked in lists.
    applicant_type = models.CharField("申请人类型", max_length=3, choices=ApplicantType.choices)
    applicant_name = models.CharField("姓名或者名称", max_length=100)
    id_number = models.CharField("身份证明号码", max_length=30)  # 身份证号 or 统一社会信用代码
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=30)
    email = models.EmailField("电子邮箱", blank=True)
    address = models.CharField("通信地址", max_length=200, blank=True)
    postcode = models.CharField("邮政编码", max_length=6, blank=True)
    # A stable key of the applicant (hash of type + ID number) for Art. 35/36(6) and the monthly count.
    applicant_key = models.CharField(max_length=64, db_index=True)

    # Art. 29(2)(3): what is sought, and how it is to be delivered.
    description = models.TextField("所需政府信息的名称、文号或者便于查询的其他特征性描述")
    doc_number_hint = models.CharField("文号", max_length=100, blank=True)
    delivery_form = models.CharField("获取信息的形式", max_length=20, choices=DeliveryForm.choices)
    delivery_way = models.CharField("获取信息的方式、途径", max_length=20, choices=DeliveryWay.choices)

    state = models.CharField("状态", max_length=24, choices=State.choices, default=State.RECEIVED)
    is_open = models.BooleanField(default=True)
    # The reply clock: starts at receipt, restarts on receipt of a correction (Art. 30).
    clock_start = models.DateField("答复期限起算日")
    extension_days = models.PositiveSmallIntegerField("延长工作日数", default=0)
    # Art. 33(2): an extension needs the approval of the head of the disclosure office. The clerk
    # proposes; the approval (who, when) is recorded here and in the audit trail.
    extension_proposed_days = models.PositiveSmallIntegerField("拟延长工作日数", default=0)
    extension_reason = models.TextField("延期理由", blank=True)
    extension_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    extension_approved_on = models.DateField("批准延期日期", null=True, blank=True)
    due_date = models.DateField("答复期限", null=True, blank=True)
    due_explanation = models.JSONField(default=dict, blank=True)
    # The due date crosses a year whose official holiday schedule is not loaded (spec §9): it is
    # recomputed by the nightly scan once it is (services.recompute_provisional).
    due_provisional = models.BooleanField("期限暂定", default=False)

    # Art. 30: one request for correction, with its period.
    correction_requested_on = models.DateField("补正告知日期", null=True, blank=True)
    correction_items = models.TextField("需要补正的事项", blank=True)
    correction_due = models.DateField("补正期限", null=True, blank=True)
    # This and the other shorter periods are flagged, not recomputed, when they cross a year whose
    # schedule is not loaded: the letter gave the applicant the date, and the date stands.
    correction_due_provisional = models.BooleanField("补正期限暂定", default=False)
    correction_received_on = models.DateField("收到补正日期", null=True, blank=True)
    correction_text = models.TextField("补正内容", blank=True)

    # 信息处理费 (Art. 42; 国办函〔2020〕109号).
    month_seq = models.PositiveIntegerField("本月第几件申请", default=1)
    fee_yuan = models.PositiveIntegerField("信息处理费（元）", default=0)
    fee_scale = models.CharField("计收方式", max_length=10, blank=True)  # "case" | "page"
    fee_pages = models.PositiveIntegerField("页数", null=True, blank=True)
    fee_notice_on = models.DateField("收费通知日期", null=True, blank=True)
    fee_due = models.DateField("缴费期限", null=True, blank=True)
    fee_due_provisional = models.BooleanField("缴费期限暂定", default=False)
    fee_paid_on = models.DateField("缴费日期", null=True, blank=True)

    # The reply (Art. 36–39) or the closing of the case.
    replied_on = models.DateField("答复日期", null=True, blank=True)
    reply_type = models.CharField("答复类型", max_length=20, blank=True, choices=ReplyType.choices)
    outcome = models.CharField("办理结果", max_length=8, blank=True, choices=OutcomeCode.choices)
    outcome_basis = models.CharField("法律依据", max_length=100, blank=True)
    reply_text = models.TextField("答复内容", blank=True)
    # Art. 37: what was withheld from a partly granted reply, and why: [{"item": ..., "reason": ...}].
    withheld = models.JSONField("不予公开的内容及理由", default=list, blank=True)
    # Art. 36(5): the body that is competent, when this one is not.
    competent_body = models.CharField("负责公开的机关及联系方式", max_length=200, blank=True)
    # Art. 36(7): a query governed by its own law (不动产登记资料查询, 企业登记资料查询…): which law's
    # procedure applies, and where the applicant applies under it.
    query_law = models.CharField("查询事项适用的法律、行政法规", max_length=200, blank=True)
    query_where = models.CharField("办理查询的机关或场所", max_length=200, blank=True)
    # Art. 35: numerous or frequent requests. The body may ask for the reasons; then either refuses
    # to handle (row N4) or sets a longer reasonable period for the reply (延迟答复) and says so.
    art35_asked_on = models.DateField("要求说明理由日期", null=True, blank=True)
    art35_reasons_due = models.DateField("说明理由期限", null=True, blank=True)
    art35_reasons_due_provisional = models.BooleanField("说明理由期限暂定", default=False)
    art35_reasons = models.TextField("申请人说明的理由", blank=True)
    art35_due = models.DateField("延迟答复的合理期限", null=True, blank=True)
    art35_ground = models.TextField("延迟答复的理由", blank=True)
    # Recorded at the reply (Art. 33), from the deadline of that day: the report and the supervisors
    # count 按时办结 and 延期办结 from these, never recompute them.
    reply_due = models.DateField("答复时的答复期限", null=True, blank=True)
    timeliness = models.CharField("答复时效", max_length=10, blank=True, choices=Timeliness.choices)
    late_working_days = models.PositiveSmallIntegerField("逾期工作日数", default=0)
    archived_on = models.DateField("归档日期", null=True, blank=True)
    reminded_for = models.DateField(null=True, blank=True)  # the due date the last staff reminder was about
    # Set when too many wrong secrets were tried for this code (gongkai.applications.access).
    track_locked_at = models.DateTimeField("查询码锁定时间", null=True, blank=True)
    # A lost secret: a one-time code the handling body's staff give by phone, stored hashed
    # (gongkai.applications.access; the e-mail route needs nothing stored).
    secret_reset_hash = models.CharField(max_length=255, blank=True)
    secret_reset_until = models.DateTimeField(null=True, blank=True)
    # The applicant withdrew the application (撤回): the case is closed, row O3 of table 三.
    withdrawn_on = models.DateField("撤回日期", null=True, blank=True)
    # Art. 44: replied information that becomes proactive disclosure, as a catalogue draft.
    proactive_document = models.ForeignKey(
        "catalogue.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="from_applications",
        verbose_name="转为主动公开的信息",
    )
    proactive_basis = models.CharField(
        "转为主动公开的依据",
        max_length=12,
        blank=True,
        choices=[("multiple", "多个申请人申请相同信息"), ("suggested", "申请人建议纳入主动公开")],
    )
    proactive_marked_on = models.DateField("转为主动公开日期", null=True, blank=True)
    # After the reply, the applicant's rating (once).
    satisfaction = models.CharField("满意度", max_length=12, blank=True, choices=Satisfaction.choices)
    satisfaction_comment = models.TextField("评价意见", blank=True)
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            # The staff inbox: one body's open applications by due date. Partial indexes (open rows
            # only): small, and SQLite matches a bare boolean condition against a partial index's
            # WHERE but not against a boolean index column, which would cost a sort.
            models.Index(fields=["org", "due_date", "id"], condition=Q(is_open=True), name="app_inbox"),
            # The nightly scan over every open application.
            models.Index(fields=["due_date"], condition=Q(is_open=True), name="app_open_due"),
            # Table 三: replies by year.
            # A body's replies of a period with what the report and the supervision dashboard count of
            # them, and its applications received, each read from its index alone.
            models.Index(
                fields=["org", "replied_on", "timeliness", "outcome", "satisfaction", "late_working_days"],
                name="app_org_replied",
            ),
            models.Index(fields=["org", "received_on", "applicant_type"], name="app_org_received"),
            # The same led by the date, which PostgreSQL prefers when a subtree holds most bodies.
            models.Index(
                fields=["replied_on", "org", "timeliness", "outcome", "satisfaction", "late_working_days"],
                name="app_replied_org",
            ),
            models.Index(fields=["received_on", "org", "applicant_type"], name="app_received_org"),
            models.Index(
                fields=["org", "extension_approved_on"],
                condition=Q(extension_approved_on__isnull=False),
                name="app_org_extended",
            ),
            models.Index(fields=["applicant_key", "received_on"], name="app_applicant"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(extension_days__lte=20), name="app_extension_at_most_20"),
            # is_open is derived from state (kept as a column for the partial indexes above); the
            # database refuses a row where the two disagree.
            models.CheckConstraint(
                condition=(Q(is_open=True) & Q(state__in=OPEN_STATES)) | (Q(is_open=False) & ~Q(state__in=OPEN_STATES)),
                name="app_is_open_follows_state",
            ),
            # A reply type allows only its outcomes (outcomes.REPLY_TYPES); no outcome without a type.
            models.CheckConstraint(condition=REPLY_OUTCOME_PAIRS, name="app_reply_type_outcome_pair"),
        ]
        verbose_name = "政府信息公开申请"
        verbose_name_plural = "政府信息公开申请"

    def __str__(self) -> str:
        return f"申请 {self.tracking_code}"


class ApplicationFile(models.Model):
    class Kind(models.TextChoices):
        APPLICATION = "application", "申请材料"
        CORRECTION = "correction", "补正材料"
        IDENTITY = "identity", "身份证明"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Private: identity papers among them (gongkai.core.storage; served by workbench.upload_file only).
    file = models.FileField(upload_to=application_file_name, storage=private_storage)
    filename = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"

    def __str__(self) -> str:
        return self.filename


class ReplyDocument(models.Model):
    """The information a reply discloses (Art. 36(1)(2), 37): a file the clerk attaches, or an item of
    the catalogue. Listed in the reply letter; the applicant downloads the files from the tracking
    page after the reply, and the handling body's staff from the workbench. Nobody else."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reply_documents")
    # Exactly one of the two (constraint below).
    file = models.FileField(upload_to=application_file_name, storage=private_storage, blank=True)
    item = models.ForeignKey(
        "catalogue.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="目录信息"
    )
    title = models.CharField("名称", max_length=500)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(item__isnull=True) & ~Q(file="")) | (Q(item__isnull=False) & Q(file="")),
                name="reply_document_file_or_item",
            ),
            models.UniqueConstraint(fields=["application", "item"], name="reply_document_item_once"),
        ]
        verbose_name = "答复提供的政府信息"
        verbose_name_plural = "答复提供的政府信息"

    def __str__(self) -> str:
        return self.title


class Pause(models.Model):
    """Time that does not count against the reply deadline: consulting a third party (Art. 32) or
    another body (Art. 34), and waiting for a fee (国办函〔2020〕109号)."""

    class Kind(models.TextChoices):
        THIRD_PARTY = "third_party", "征求第三方意见"
        AGENCY = "agency", "征求其他机关意见"
        FEE = "fee", "等待缴纳信息处理费"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    party = models.CharField("征求意见对象", max_length=200, blank=True)
    begin = models.DateField("开始日期")  # the letter was sent this day (it still counts)
    period_due = models.DateField("期限")  # 15 working days for an opinion, 20 for a fee
    period_provisional = models.BooleanField("期限暂定", default=False)
    end = models.DateField("结束日期", null=True, blank=True)  # null while it runs
    opinion = models.TextField("意见", blank=True)
    # Art. 32: the third party objected; the body may still disclose where not disclosing would
    # gravely affect the public interest, and must tell the third party in writing what and why.
    objected = models.BooleanField("第三方不同意公开", default=False)
    disclosed_over_objection_on = models.DateField("决定公开日期", null=True, blank=True)
    disclosure_content = models.TextField("决定公开的内容", blank=True)
    disclosure_reason = models.TextField("决定公开的理由", blank=True)

    class Meta:
        ordering = ["begin", "id"]
        verbose_name = "期限中止"
        verbose_name_plural = "期限中止"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.begin}"


class LetterKind(models.TextChoices):
    RECEIPT = "receipt", "登记回执"
    CORRECTION = "correction", "补正告知书"
    CONSULTATION = "consultation", "第三方意见征询函"
    EXTENSION = "extension", "延期答复告知书"
    FEE = "fee", "收费通知书"
    REPLY = "reply", "政府信息公开申请答复书"
    NOT_GI = "not_gi", "不作为政府信息公开申请处理告知书"
    ENQUIRY = "enquiry", "咨询答复告知书"
    CLOSURE = "closure", "终止处理告知书"
    ART35_REASONS = "art35_reasons", "说明理由通知书"
    ART35_DELAY = "art35_delay", "延迟答复告知书"
    THIRD_PARTY_DECISION = "third_party_decision", "决定公开告知书（第三方）"


class LetterTemplate(models.Model):
    """An organisation's fill-in regions for one kind of letter. The legal wording lives in code
    (``letters``) and cannot be edited; only these regions can."""

    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="letter_templates")
    kind = models.CharField(max_length=20, choices=LetterKind.choices)
    regions = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "kind"], name="letter_template_unique")]
        verbose_name = "文书模板"
        verbose_name_plural = "文书模板"

    def __str__(self) -> str:
        return f"{self.org} {self.get_kind_display()}"


class Letter(models.Model):
    """A letter as issued: its text is frozen at issue; DOCX and PDF are rendered from that text."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(max_length=20, choices=LetterKind.choices)
    number = models.CharField("文书编号", max_length=60)
    title = models.CharField(max_length=100)
    recipient = models.CharField(max_length=200)
    body = models.JSONField()  # a list of paragraphs
    issuer = models.CharField(max_length=100)
    issued_on = models.DateField()
    # Letters to the applicant are shown to them; a consultation letter goes to the third party.
    to_applicant = models.BooleanField(default=True)
    # Rendered on first download and kept, privately (they carry the applicant's name and request).
    docx = models.FileField(upload_to=letter_file_name, storage=private_storage, blank=True)
    pdf = models.FileField(upload_to=letter_file_name, storage=private_storage, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "文书"
        verbose_name_plural = "文书"

    def __str__(self) -> str:
        return f"{self.title}（{self.number}）"


class AppealKind(models.TextChoices):
    """Table 四's three blocks (Art. 51)."""

    RECONSIDERATION = "reconsideration", "行政复议"
    LITIGATION_DIRECT = "litigation_direct", "行政诉讼（未经复议直接起诉）"
    LITIGATION_AFTER = "litigation_after", "行政诉讼（复议后起诉）"


class AppealResult(models.TextChoices):
    UPHELD = "upheld", "结果维持"
    CORRECTED = "corrected", "结果纠正"
    OTHER = "other", "其他结果"
    PENDING = "pending", "尚未审结"


class Appeal(models.Model):
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="appeals")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="appeals")
    kind = models.CharField("类型", max_length=20, choices=AppealKind.choices)
    filed_on = models.DateField("申请或起诉日期")
    authority = models.CharField("复议机关或受理法院", max_length=100)
    case_number = models.CharField("案号", max_length=100, blank=True)
    result = models.CharField("结果", max_length=12, choices=AppealResult.choices, default=AppealResult.PENDING)
    decided_on = models.DateField("审结日期", null=True, blank=True)
    note = models.TextField("说明", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["filed_on", "id"]
        indexes = [models.Index(fields=["org", "filed_on"], name="appeal_org_filed")]
        verbose_name = "行政复议、行政诉讼"
        verbose_name_plural = "行政复议、行政诉讼"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filed_on}"
