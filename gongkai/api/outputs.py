"""What the applications API returns, declared once: the views build their answers through these
serializers, so the OpenAPI schema describes exactly the payloads sent (a test validates real
answers against the schema, and CI diffs the committed schema, docs/api/openapi.json)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from gongkai.applications.models import Satisfaction, State, Timeliness


class LetterOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="文书类型代码")
    title = serializers.CharField()
    number = serializers.CharField(help_text="文书编号")
    issued_on = serializers.DateField()
    to_applicant = serializers.BooleanField()
    body = serializers.ListField(child=serializers.CharField(), help_text="正文段落（工作人员看到的个人信息已脱敏）")


class StaffLetterOut(LetterOut):
    pdf = serializers.URLField(help_text="脱敏版 PDF")
    docx = serializers.URLField(help_text="脱敏版 DOCX")


class LetterPreviewOut(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField()
    number = serializers.CharField()
    recipient = serializers.CharField()
    body = serializers.ListField(child=serializers.CharField())
    issued_on = serializers.DateField()
    digest = serializers.CharField(help_text="文书内容指纹：确认答复时内容未变")


class ReplyDocumentOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=[("file", "文件"), ("item", "目录信息")])
    size = serializers.IntegerField(help_text="文件大小（字节）；目录信息为0")
    url = serializers.CharField(allow_blank=True, help_text="目录信息的公开网址；文件为空（凭查询码和密码下载）")


class TimelineEntryOut(serializers.Serializer):
    at = serializers.DateTimeField()
    label = serializers.CharField()
    detail = serializers.CharField(allow_blank=True)


class StatusOut(serializers.Serializer):
    tracking_code = serializers.CharField()
    org = serializers.CharField(help_text="受理机关网址标识")
    org_name = serializers.CharField()
    state = serializers.ChoiceField(choices=State.choices)
    state_label = serializers.CharField()
    received_on = serializers.DateField()
    due_date = serializers.DateField(allow_null=True)
    due_explanation = serializers.CharField(allow_blank=True)
    correction_items = serializers.CharField(allow_blank=True)
    correction_due = serializers.DateField(allow_null=True)
    replied_on = serializers.DateField(allow_null=True)
    reply_type = serializers.CharField(allow_blank=True)
    outcome = serializers.CharField(allow_blank=True, help_text="办理结果代码，即年报表三的行")
    outcome_label = serializers.CharField(allow_blank=True)
    fee_yuan = serializers.IntegerField()


class ApplicantViewOut(StatusOut):
    """What the applicant sees after proving the case with code and secret."""

    letters = LetterOut(many=True)
    documents = ReplyDocumentOut(many=True, help_text="答复提供的政府信息（答复后）")
    timeline = TimelineEntryOut(many=True)
    can_withdraw = serializers.BooleanField()
    can_rate = serializers.BooleanField()
    satisfaction = serializers.CharField(allow_blank=True)


class MaskedApplicantOut(serializers.Serializer):
    applicant_name = serializers.CharField(allow_blank=True)
    id_number = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    address = serializers.CharField(allow_blank=True)
    contact_person = serializers.CharField(allow_blank=True)
    postcode = serializers.CharField(allow_blank=True)


class WithheldOut(serializers.Serializer):
    item = serializers.CharField()
    reason = serializers.CharField()


class StaffApplicationOut(StatusOut):
    id = serializers.IntegerField()
    channel = serializers.CharField()
    applicant_type = serializers.CharField()
    applicant = MaskedApplicantOut(help_text="申请人信息（脱敏）")
    description = serializers.CharField()
    delivery_form = serializers.CharField()
    delivery_way = serializers.CharField()
    clock_start = serializers.DateField()
    extension_days = serializers.IntegerField()
    extension_proposed_days = serializers.IntegerField()
    art35_due = serializers.DateField(allow_null=True, help_text="依第三十五条确定的延迟答复期限")
    month_seq = serializers.IntegerField(help_text="本月向本机关提出的第几件申请（按件计收）")
    withheld = WithheldOut(many=True)
    competent_body = serializers.CharField(allow_blank=True)
    query_law = serializers.CharField(allow_blank=True)
    query_where = serializers.CharField(allow_blank=True)
    reply_due = serializers.DateField(allow_null=True)
    timeliness = serializers.ChoiceField(choices=[("", "—"), *Timeliness.choices])
    late_working_days = serializers.IntegerField()
    withdrawn_on = serializers.DateField(allow_null=True)
    satisfaction = serializers.ChoiceField(choices=[("", "—"), *Satisfaction.choices])
    proactive_document = serializers.IntegerField(allow_null=True, help_text="第四十四条转为主动公开的目录信息")
    actions = serializers.ListField(child=serializers.CharField(), help_text="当前用户可执行的办理步骤")
    letters = StaffLetterOut(many=True)
    documents = ReplyDocumentOut(many=True)


class InboxRowOut(serializers.Serializer):
    id = serializers.IntegerField()
    tracking_code = serializers.CharField()
    applicant = serializers.CharField(help_text="脱敏")
    state = serializers.ChoiceField(choices=State.choices)
    received_on = serializers.DateField()
    due_date = serializers.DateField(allow_null=True)
    due_mark = serializers.ChoiceField(choices=[("", "—"), ("due_soon", "即将到期"), ("overdue", "已逾期")])
    url = serializers.URLField()


class InboxOut(serializers.Serializer):
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    results = InboxRowOut(many=True)


class ChallengeOut(serializers.Serializer):
    question = serializers.CharField()
    token = serializers.CharField()


class PersonalDataOut(serializers.Serializer):
    applicant_name = serializers.CharField()
    id_number = serializers.CharField()
    contact_person = serializers.CharField(allow_blank=True)
    phone = serializers.CharField()
    email = serializers.CharField(allow_blank=True)
    address = serializers.CharField(allow_blank=True)
    postcode = serializers.CharField(allow_blank=True)


class ProactiveOut(serializers.Serializer):
    document = serializers.IntegerField(help_text="新建的目录信息草稿")
    title = serializers.CharField()
    state = serializers.CharField()


class AcceptedOut(serializers.Serializer):
    detail = serializers.CharField()


class ProblemOut(serializers.Serializer):
    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField()
    field = serializers.CharField(allow_null=True)


ERRORS = {400: ProblemOut, 403: ProblemOut, 404: ProblemOut, 409: ProblemOut, 429: ProblemOut}


def out(serializer: type[serializers.Serializer], data: object) -> dict[str, Any]:
    """Pass an answer through its declared serializer: a key not declared is dropped, one missing fails."""
    return dict(serializer(data).data)
