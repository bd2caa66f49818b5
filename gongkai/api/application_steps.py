"""REST API v1: the steps issue 18 added, with the rules and error codes of the pages (they call the
same services).

Staff: preview a step's letters before taking it; attach and remove the information a reply
provides; turn replied information into proactive disclosure (Art. 44). Applicants (with code and
secret): withdraw, rate the reply, download a file the reply provides, and recover a lost secret.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gongkai.api.applications import (
    ActionSerializer,
    ApplicantAPIView,
    CredentialsSerializer,
    RateLimited,
    _documents,
    _staff_app,
    _verified,
    applicant_view_of,
    staff_step,
    staff_view_of,
)
from gongkai.api.outputs import (
    ERRORS,
    AcceptedOut,
    ApplicantViewOut,
    LetterPreviewOut,
    ProactiveOut,
    ReplyDocumentOut,
    StaffApplicationOut,
    out,
)
from gongkai.api.parsers import ObjectJSONParser
from gongkai.applications import access, disclosed, letters, proactive, selectors, services
from gongkai.applications.models import ReplyDocument
from gongkai.applications.uploads import from_files
from gongkai.core import ratelimit
from gongkai.core.errors import NotFound
from gongkai.orgs import policies

# --- staff --------------------------------------------------------------------------------------


class StaffPreviewView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="预览办理步骤将出具的文书（不保存、不发送）",
        description="参数与办理步骤相同；出错时返回与办理步骤相同的错误代码。答复前请先预览并核对（议题18 §6）。",
        request=ActionSerializer,
        responses={200: LetterPreviewOut(many=True), **ERRORS},
        tags=["工作人员"],
    )
    def post(self, request: Request, pk: int, action: str) -> Response:
        app = _staff_app(request, pk)
        _, params = staff_step(request, action)
        shown = services.preview(actor=request.user, application=app, action=action, **params)
        masks = selectors.masked(app)
        rows = [
            {**letters.masked_preview(app, letter, masks), "kind": letter.kind, "digest": letter.digest}
            for letter in shown
        ]
        return Response([out(LetterPreviewOut, row) for row in rows])


class ItemReferenceSerializer(serializers.Serializer):
    item = serializers.CharField(required=False, help_text="已公开目录信息的索引号（JSON）")
    files = serializers.ListField(child=serializers.FileField(), required=False, help_text="文件（multipart）")


class StaffDocumentsView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [ObjectJSONParser, MultiPartParser, FormParser]

    @extend_schema(
        summary="答复提供的政府信息",
        responses={200: ReplyDocumentOut(many=True), **ERRORS},
        tags=["工作人员"],
    )
    def get(self, request: Request, pk: int) -> Response:
        app = _staff_app(request, pk)
        return Response([out(ReplyDocumentOut, row) for row in _documents(app, staff=True)])

    @extend_schema(
        summary="附上答复提供的政府信息（文件，或已公开的目录信息）",
        request=ItemReferenceSerializer,
        responses={201: StaffApplicationOut, **ERRORS},
        tags=["工作人员"],
    )
    def post(self, request: Request, pk: int) -> Response:
        app = _staff_app(request, pk)
        reference = request.data.get("item") if hasattr(request.data, "get") else None
        if reference:
            disclosed.add_item(actor=request.user, application=app, reference=str(reference)[:60])
        else:
            files = request.FILES.getlist("files") if hasattr(request.FILES, "getlist") else []
            disclosed.add_files(actor=request.user, application=app, uploads=from_files(files))
        return Response(staff_view_of(request, app), status=201)


class StaffDocumentView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="移除答复提供的政府信息（答复前）",
        responses={200: StaffApplicationOut, **ERRORS},
        tags=["工作人员"],
    )
    def delete(self, request: Request, pk: int) -> Response:
        doc = ReplyDocument.objects.select_related("application__org").filter(pk=pk).first()
        if doc is None or not policies.can(request.user, "application.read", doc.application.org):
            raise NotFound("没有找到该项政府信息。")
        disclosed.remove(actor=request.user, document=doc)
        return Response(staff_view_of(request, doc.application))


class ProactiveSerializer(serializers.Serializer):
    basis = serializers.CharField(help_text="multiple 多个申请人申请相同信息；suggested 申请人建议")
    title = serializers.CharField(help_text="名称")
    topic = serializers.CharField(help_text="主题分类代码，如 T1102")
    summary = serializers.CharField(required=False, allow_blank=True)


class StaffProactiveView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="转为主动公开（第四十四条）：生成目录信息草稿",
        request=ProactiveSerializer,
        responses={201: ProactiveOut, **ERRORS},
        tags=["工作人员"],
    )
    def post(self, request: Request, pk: int) -> Response:
        app = _staff_app(request, pk)
        data = request.data
        doc = proactive.convert(
            actor=request.user,
            application=app,
            basis=str(data.get("basis", "")),
            title=str(data.get("title", ""))[:500],
            topic=str(data.get("topic", ""))[:20],
            summary=str(data.get("summary", ""))[:2000],
        )
        return Response(out(ProactiveOut, {"document": doc.pk, "title": doc.title, "state": doc.state}), status=201)


# --- applicants ---------------------------------------------------------------------------------


class WithdrawSerializer(CredentialsSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, help_text="撤回理由（可选）")


class RateSerializer(CredentialsSerializer):
    rating = serializers.CharField(help_text="satisfied 满意；fairly 基本满意；dissatisfied 不满意")
    comment = serializers.CharField(required=False, allow_blank=True, help_text="意见和建议（可选，500字以内）")


class PublicWithdrawView(ApplicantAPIView):
    @extend_schema(
        summary="撤回申请（终止处理，年报表三“其他处理”）",
        request=WithdrawSerializer,
        responses={200: ApplicantViewOut, **ERRORS},
        tags=["申请人"],
    )
    def post(self, request: Request) -> Response:
        app = _verified(request)
        app = services.applicant_withdraw(application=app, reason=str(request.data.get("reason", ""))[:500])
        return Response(applicant_view_of(request, app))


class PublicRateView(ApplicantAPIView):
    @extend_schema(
        summary="评价办理情况（答复后，一次）",
        request=RateSerializer,
        responses={200: ApplicantViewOut, **ERRORS},
        tags=["申请人"],
    )
    def post(self, request: Request) -> Response:
        app = _verified(request)
        app = services.applicant_rate(
            application=app,
            rating=str(request.data.get("rating", "")),
            comment=str(request.data.get("comment", ""))[:1000],
        )
        return Response(applicant_view_of(request, app))


class PublicDocumentView(ApplicantAPIView):
    @extend_schema(
        summary="下载答复提供的文件（凭查询码和查询密码）",
        request=CredentialsSerializer,
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **ERRORS},
        tags=["申请人"],
    )
    def post(self, request: Request, pk: int) -> Any:
        app = _verified(request)
        doc = selectors.reply_documents_for_applicant(app).filter(pk=pk, item__isnull=True).first()
        if doc is None:
            raise NotFound("没有找到该文件。")
        response = FileResponse(doc.file.open("rb"), as_attachment=True, filename=doc.title)
        response["Cache-Control"] = "no-store"
        return response


class RecoverSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    email = serializers.CharField(help_text="申请时填写的电子邮箱")


class ResetSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    reset_code = serializers.CharField(help_text="受理机关电话告知的重置码")
    secret = serializers.CharField(help_text="新的查询密码，至少8个字符")


def _recovery_limit(request: Request) -> None:
    who = ratelimit.client_address(request._request)
    if ratelimit.exceeded("recover", who, settings.GONGKAI_TRACK_FAILURES_PER_HOUR):
        raise RateLimited("尝试次数过多，请一小时后再试。")
    ratelimit.hit("recover", who)


class PublicRecoverView(ApplicantAPIView):
    @extend_schema(
        summary="找回查询密码：向申请时填写的电子邮箱发送重置链接",
        description="查询码与邮箱是否相符，回答都相同。",
        request=RecoverSerializer,
        responses={202: AcceptedOut, **ERRORS},
        tags=["申请人"],
    )
    def post(self, request: Request) -> Response:
        _recovery_limit(request)
        access.request_secret_reset(str(request.data.get("tracking_code", "")), str(request.data.get("email", "")))
        detail = "如果查询码与电子邮箱相符，重新设置查询密码的链接已发送到该邮箱，24小时内有效。"
        return Response(out(AcceptedOut, {"detail": detail}), status=202)


class PublicResetView(ApplicantAPIView):
    @extend_schema(
        summary="凭受理机关电话告知的重置码设置新的查询密码",
        request=ResetSerializer,
        responses={200: AcceptedOut, **ERRORS},
        tags=["申请人"],
    )
    def post(self, request: Request) -> Response:
        _recovery_limit(request)
        app = access.reset_with_code(
            str(request.data.get("tracking_code", "")),
            str(request.data.get("reset_code", "")),
            str(request.data.get("secret", "")),
        )
        return Response(out(AcceptedOut, {"detail": f"查询码 {app.tracking_code} 的查询密码已重新设置。"}))
