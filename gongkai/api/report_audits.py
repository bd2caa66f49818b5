"""REST API v1: audit a report file (issue 23 §3): the same findings as ``manage.py report_audit``."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gongkai.api.outputs import ERRORS, out
from gongkai.core.errors import ValidationFailed
from gongkai.reports import audit


class ReportAuditIn(serializers.Serializer):
    file = serializers.FileField(help_text="年报文件：HTML、DOCX、PDF（带文字层）或纯文本，不超过20MB")
    last_year = serializers.FileField(required=False, help_text="上一年度的年报（可选，用于同比与跨年度衔接）")


class FindingOut(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(audit.KINDS.items()))
    location = serializers.CharField(help_text="章节与句子，或表格、行与列")
    stated = serializers.CharField(help_text="报告中的写法，如“2.3%”“2.5万人次”“258”")
    computed = serializers.CharField(help_text="按记录或其他数字算出的数")
    rule = serializers.CharField(help_text="所用的基数或规则")
    explanation = serializers.CharField(help_text="一句话说明")


class ReportAuditsView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="审核一份年报文件中的数字（勾稽关系、百分比、合计、正文与表格、前后一致、跨年度衔接）",
        request={"multipart/form-data": ReportAuditIn},
        responses={200: FindingOut(many=True), **ERRORS},
        tags=["工作人员"],
    )
    def post(self, request: Request) -> Response:
        documents: list[audit.Document | None] = []
        for name in ("file", "last_year"):
            upload = request.FILES.get(name)
            if upload is None:
                if name == "file":
                    raise ValidationFailed("请上传要审核的年报文件（字段 file）。", code="file_required", field="file")
                documents.append(None)
                continue
            if (upload.size or 0) > audit.MAX_BYTES:
                raise ValidationFailed("文件超过20MB，无法审核。", code="too_large", field=name)
            try:
                documents.append(audit.read(upload.read(), upload.name or ""))
            except audit.Unreadable as exc:
                raise ValidationFailed(str(exc), code="unreadable", field=name) from exc
        this, last = documents
        if this is None:  # unreachable: a missing file was refused above
            raise ValidationFailed("请上传要审核的年报文件（字段 file）。", code="file_required", field="file")
        found = audit.audit(this, audit.Context(last=last))
        return Response([out(FindingOut, f.as_dict()) for f in found])
