"""REST API v1 for applications (依申请公开): public intake and tracking, and the staff steps.

The API calls the same services as the pages, so the rules and the error codes are the same: an
``ApplicationError`` becomes an RFC 9457 problem document (``errors.problem_handler``) with its
stable ``code`` and the ``field`` it concerns. Serializers describe the input for the OpenAPI schema
and pass it on as text; the services validate it.

Over 400 lines on purpose: the public and the staff endpoints of one resource are read side by side
(routes, throttles, errors); the steps' bodies come from the workflow table (``workflow_fields``)
and the answers from ``outputs``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gongkai.api.outputs import (
    ERRORS,
    ApplicantViewOut,
    ChallengeOut,
    InboxOut,
    PersonalDataOut,
    StaffApplicationOut,
    StatusOut,
    out,
)
from gongkai.api.parsers import ObjectJSONParser
from gongkai.api.workflow_fields import action_serializer, first_error, step_params
from gongkai.applications import access, letters, selectors, services, workflow
from gongkai.applications.models import Application
from gongkai.applications.outcomes import BY_CODE
from gongkai.applications.uploads import from_files
from gongkai.core import antiabuse, ratelimit
from gongkai.core.errors import NotFound, PermissionDenied, ValidationFailed
from gongkai.core.numbers import parse_int
from gongkai.core.workflow import Transition
from gongkai.orgs.selectors import org_by_slug


class RateLimited(PermissionDenied):
    code = "rate_limited"


# An endpoint of the public: no account; a case is proved with its code and secret. (A comment, not
# a docstring: drf-spectacular would print a docstring into every subclass's description.)
class ApplicantAPIView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []


# --- serializers (input described for the schema; the services validate) ------------------------


def _text(help_text: str, required: bool = False) -> serializers.CharField:
    return serializers.CharField(required=required, allow_blank=not required, help_text=help_text)


class ApplicantSerializer(serializers.Serializer):
    applicant_type = _text(
        "申请人类型：NAT 自然人；BIZ 商业企业；RES 科研机构；NPO 社会公益组织；LAW 法律服务机构；OTH 其他", True
    )
    applicant_name = _text("姓名或者名称", True)
    id_number = _text("自然人：居民身份证号码（校验位检查）；法人或其他组织：统一社会信用代码", True)
    contact_person = _text("联系人（法人或其他组织必填）")
    phone = _text("联系电话", True)
    email = _text("电子邮箱（选择电子邮件方式时必填；文书出具时邮件通知）")
    address = _text("通信地址（选择邮寄方式时必填）")
    postcode = _text("邮政编码")
    description = _text("所需政府信息的名称、文号或者便于查询的其他特征性描述", True)
    doc_number_hint = _text("文号")
    delivery_form = _text("获取信息的形式：paper 纸质文本；electronic 电子文本；inspect 查阅、抄录", True)
    delivery_way = _text("获取信息的方式、途径：post 邮寄；email 电子邮件；online 网上获取；collect 当面领取", True)


class PublicApplySerializer(ApplicantSerializer):
    org = _text("受理机关的网址标识（slug）", True)
    secret = _text("查询密码，至少8个字符", True)
    challenge_token = _text("GET /api/v1/applications/challenge 返回的 token", True)
    challenge_answer = _text("验证问题的答案（阿拉伯数字）", True)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, help_text="附件（multipart）")


class CredentialsSerializer(serializers.Serializer):
    tracking_code = _text("查询码", True)
    secret = _text("查询密码", True)


class CorrectionSerializer(CredentialsSerializer):
    text = _text("补正内容")
    attachments = serializers.ListField(child=serializers.FileField(), required=False)


class RegisterSerializer(ApplicantSerializer):
    org = _text("受理机关的网址标识（slug）", True)
    channel = _text("申请渠道：in_person 当面；mail_signed 邮寄；mail_ordinary 平常信函；online 互联网；fax 传真", True)
    oral = serializers.BooleanField(required=False, default=False, help_text="口头提出、代为填写（仅当面）")
    submitted_on = serializers.DateField(required=False, allow_null=True)
    signed_for_on = serializers.DateField(required=False, allow_null=True)
    confirmed_on = serializers.DateField(required=False, allow_null=True)
    secret = _text("查询密码（可选，由申请人设定）")


# The body of a staff step, built from the workflow table (issue 19 §1).
ActionSerializer = action_serializer("ActionSerializer", workflow.STAFF)


# --- output -------------------------------------------------------------------------------------


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _documents(app: Application, *, staff: bool) -> list[dict[str, Any]]:
    """The information the reply provides; the applicant sees it once the reply is issued."""
    docs = app.reply_documents.select_related("item__org") if staff else selectors.reply_documents_for_applicant(app)
    rows = []
    for doc in docs:
        url = ""
        if doc.item is not None:
            url = settings.GONGKAI_PUBLIC_URL + reverse("portal:item", args=[doc.item.org.slug, doc.item.pk])
        rows.append(
            {"id": doc.pk, "title": doc.title, "kind": "item" if doc.item_id else "file", "size": doc.size, "url": url}
        )
    return rows


def applicant_view_of(request: Request, app: Application) -> dict[str, Any]:
    return out(
        ApplicantViewOut,
        {
            **status_of(app),
            "letters": _letters(request, app, staff=False),
            "documents": _documents(app, staff=False),
            "timeline": [{"at": e.at, "label": e.label, "detail": e.detail} for e in selectors.applicant_timeline(app)],
            "can_withdraw": workflow.applicant_may("withdraw", app.state),
            "can_rate": app.replied_on is not None and app.withdrawn_on is None and app.rated_at is None,
            "satisfaction": app.satisfaction,
        },
    )


def _letters(request: Request, app: Application, *, staff: bool) -> list[dict[str, Any]]:
    qs = app.letters.all() if staff else selectors.letters_for_applicant(app)
    out = []
    masks = selectors.masked(app) if staff else None
    for letter in qs:
        # Staff see letters as they see lists, masked; in full only through a logged reveal.
        shown = letters.masked_copy(letter, masks) if masks is not None else letter
        row: dict[str, Any] = {
            "id": letter.pk,
            "kind": letter.kind,
            "title": letter.title,
            "number": letter.number,
            "issued_on": _date(letter.issued_on),
            "to_applicant": letter.to_applicant,
            "body": shown.body,
        }
        if staff:
            row["pdf"] = request.build_absolute_uri(reverse("workbench:letter_file", args=[letter.pk, "pdf"]))
            row["docx"] = request.build_absolute_uri(reverse("workbench:letter_file", args=[letter.pk, "docx"]))
        out.append(row)
    return out


def status_of(app: Application) -> dict[str, Any]:
    outcome = BY_CODE.get(app.outcome)
    return {
        "tracking_code": app.tracking_code,
        "org": app.org.slug,
        "org_name": app.org.name,
        "state": app.state,
        "state_label": app.get_state_display(),
        "received_on": _date(app.received_on),
        "due_date": _date(app.due_date),
        "due_explanation": app.due_explanation.get("text", ""),
        "correction_items": app.correction_items,
        "correction_due": _date(app.correction_due),
        "replied_on": _date(app.replied_on),
        "reply_type": app.reply_type,
        "outcome": app.outcome,
        "outcome_label": f"{outcome.group} {outcome.label}" if outcome else "",
        "fee_yuan": app.fee_yuan,
    }


def staff_view_of(request: Request, app: Application) -> dict[str, Any]:
    data = status_of(app)
    actions = [t.action for t in selectors.steps_open_to(request.user, app)]
    data.update(
        {
            "id": app.pk,
            "channel": app.channel,
            "applicant_type": app.applicant_type,
            "applicant": selectors.masked(app),
            "description": app.description,
            "delivery_form": app.delivery_form,
            "delivery_way": app.delivery_way,
            "clock_start": _date(app.clock_start),
            "extension_days": app.extension_days,
            "extension_proposed_days": app.extension_proposed_days,
            "month_seq": selectors.monthly_count(app),
            "withheld": app.withheld,
            "art35_due": _date(app.art35_due),
            "competent_body": app.competent_body,
            "query_law": app.query_law,
            "query_where": app.query_where,
            "reply_due": _date(app.reply_due),
            "timeliness": app.timeliness,
            "late_working_days": app.late_working_days,
            "withdrawn_on": _date(app.withdrawn_on),
            "satisfaction": app.satisfaction,
            "proactive_document": app.proactive_document_id,
            "actions": actions,
            "letters": _letters(request, app, staff=True),
            "documents": _documents(app, staff=True),
        }
    )
    return out(StaffApplicationOut, data)


# --- public -------------------------------------------------------------------------------------


class ChallengeView(ApplicantAPIView):
    @extend_schema(
        summary="取得验证问题",
        responses=ChallengeOut,
        tags=["申请人"],
    )
    def get(self, request: Request) -> Response:
        question, token = antiabuse.new_challenge()
        return Response(out(ChallengeOut, {"question": question, "token": token}))


class PublicApplyView(ApplicantAPIView):
    """Submit an application online (Art. 29). Returns the tracking code."""

    parser_classes = [ObjectJSONParser, MultiPartParser, FormParser]

    @extend_schema(
        summary="在线提交政府信息公开申请",
        request=PublicApplySerializer,
        responses={201: StatusOut, **ERRORS},
        tags=["申请人"],
    )
    def post(self, request: Request) -> Response:
        who = ratelimit.client_address(request._request)
        if ratelimit.exceeded("apply", who, settings.GONGKAI_APPLY_RATE_PER_HOUR):
            raise RateLimited("您提交申请过于频繁，请一小时后再试。")
        data = request.data
        org = org_by_slug(str(data.get("org", "")))
        if org is None:
            raise ValidationFailed("没有这个受理机关。", code="unknown_org", field="org")
        antiabuse.verify(
            str(data.get("challenge_token", "")), str(data.get("challenge_answer", "")), str(data.get("website", ""))
        )
        ratelimit.hit("apply", who)
        applicant = {k: str(data.get(k, "") or "") for k in services.APPLICANT_FIELDS}
        files = request.FILES.getlist("attachments") if hasattr(request.FILES, "getlist") else []
        result = services.submit_online(
            org=org, applicant=applicant, secret=str(data.get("secret", "")), uploads=from_files(files)
        )
        return Response(out(StatusOut, status_of(result.application)), status=201)


def _verified(request: Request) -> Application:
    who = ratelimit.client_address(request._request)
    if ratelimit.exceeded("track-fail", who, settings.GONGKAI_TRACK_FAILURES_PER_HOUR):
        raise RateLimited("查询失败次数过多，请一小时后再试。")
    try:
        return access.verify_applicant(str(request.data.get("tracking_code", "")), str(request.data.get("secret", "")))
    except PermissionDenied:
        ratelimit.hit("track-fail", who)
        raise


class PublicStatusView(ApplicantAPIView):
    @extend_schema(
        summary="凭查询码和查询密码查询办理进度、办理过程、文书和答复提供的政府信息",
        request=CredentialsSerializer,
        responses={200: ApplicantViewOut, **ERRORS},
        tags=["申请人"],
    )
    def post(self, request: Request) -> Response:
        app = _verified(request)
        return Response(applicant_view_of(request, app))


class PublicCorrectionView(ApplicantAPIView):
    parser_classes = [ObjectJSONParser, MultiPartParser, FormParser]

    @extend_schema(
        summary="提交补正（第三十条）",
        request=CorrectionSerializer,
        responses={200: StatusOut, **ERRORS},
        tags=["申请人"],
    )
    def post(self, request: Request) -> Response:
        app = _verified(request)
        files = request.FILES.getlist("attachments") if hasattr(request.FILES, "getlist") else []
        app = services.applicant_submit_correction(
            application=app, text=str(request.data.get("text", "")), uploads=from_files(files)
        )
        return Response(out(StatusOut, status_of(app)))


# --- staff --------------------------------------------------------------------------------------


def _staff_app(request: Request, pk: int) -> Application:
    return selectors.staff_application(request.user, pk)


class StaffListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="待办：一个机关未办结的申请，按期限排序（个人信息脱敏）",
        operation_id="staff_applications_inbox",
        parameters=[
            OpenApiParameter("org", str, required=True, description="机关网址标识"),
            OpenApiParameter("state", str, required=False),
            OpenApiParameter("page", int, required=False),
        ],
        responses={200: InboxOut, **ERRORS},
        tags=["工作人员"],
    )
    def get(self, request: Request) -> Response:
        org = org_by_slug(str(request.query_params.get("org", "")))
        if org is None:
            raise NotFound("没有这个机关。")
        page = parse_int(request.query_params.get("page") or 1, label="page ", lo=1, hi=100_000, field="page")
        rows, total = selectors.inbox(request.user, org, page=page, state=str(request.query_params.get("state", "")))
        results = [
            {
                "id": r.app.pk,
                "tracking_code": r.app.tracking_code,
                "applicant": r.applicant,
                "state": r.app.state,
                "received_on": _date(r.app.received_on),
                "due_date": _date(r.app.due_date),
                "due_mark": r.due_mark,
                "url": request.build_absolute_uri(reverse("api:staff_application", args=[r.app.pk])),
            }
            for r in rows
        ]
        return Response(out(InboxOut, {"total": total, "page": page, "results": results}))

    @extend_schema(
        summary="登记申请（当面、邮寄、平常信函、传真、互联网）",
        request=RegisterSerializer,
        responses={201: StaffApplicationOut, **ERRORS},
        tags=["工作人员"],
    )
    def post(self, request: Request) -> Response:
        ser = RegisterSerializer(data=request.data)
        if not ser.is_valid():
            raise first_error(ser)
        d = ser.validated_data
        org = org_by_slug(d["org"])
        if org is None:
            raise ValidationFailed("没有这个受理机关。", code="unknown_org", field="org")
        files = request.FILES.getlist("attachments") if hasattr(request.FILES, "getlist") else []
        result = services.register(
            actor=request.user,
            org=org,
            channel=d["channel"],
            applicant={k: d.get(k, "") for k in services.APPLICANT_FIELDS},
            submitted_on=d.get("submitted_on"),
            signed_for_on=d.get("signed_for_on"),
            confirmed_on=d.get("confirmed_on"),
            oral=d.get("oral", False),
            secret=d.get("secret", ""),
            uploads=from_files(files),
        )
        return Response(staff_view_of(request, result.application), status=201)


class StaffDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="staff_application_detail",
        summary="申请详情（个人信息脱敏）",
        responses={200: StaffApplicationOut, **ERRORS},
        tags=["工作人员"],
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(staff_view_of(request, _staff_app(request, pk)))


def staff_step(request: Request, action: str) -> tuple[Transition, dict[str, Any]]:
    """The step named in the URL and its parameters from the body."""
    step = workflow.BY_ACTION.get(action)
    if step is None:
        raise NotFound(f"没有“{action}”这个操作。")
    return step, step_params(request, ActionSerializer, step)


class StaffActionView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="办理步骤（状态机的一次转换）",
        description="action: " + "；".join(f"{t.action} {t.label}" for t in workflow.TRANSITIONS),
        request=ActionSerializer,
        responses={200: StaffApplicationOut, **ERRORS},
        tags=["工作人员"],
    )
    def post(self, request: Request, pk: int, action: str) -> Response:
        app = _staff_app(request, pk)
        _, params = staff_step(request, action)
        app = services.transition(actor=request.user, application=app, action=action, **params)
        return Response(staff_view_of(request, app))


class StaffRevealView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="查看申请人完整个人信息（记入审计日志）",
        request=inline_serializer("RevealRequest", {"reason": serializers.CharField(required=False)}),
        responses={200: PersonalDataOut, **ERRORS},
        tags=["工作人员"],
    )
    def post(self, request: Request, pk: int) -> Response:
        app = _staff_app(request, pk)
        data = services.reveal_personal_data(
            actor=request.user, application=app, reason=str(request.data.get("reason", ""))[:200]
        )
        response = Response(out(PersonalDataOut, data))
        response["Cache-Control"] = "no-store"
        return response
