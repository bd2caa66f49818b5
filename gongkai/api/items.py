"""REST API v1 for catalogue items: a published item with its 政策解读 links, and the 三同步 figures
for staff (``catalogue.interpretation``). The answers go through the serializers declared here, so
the OpenAPI schema describes exactly what is sent."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gongkai.api.outputs import ERRORS, out
from gongkai.catalogue import interpretation
from gongkai.catalogue.models import Document
from gongkai.catalogue.selectors import public_document
from gongkai.core.numbers import parse_int
from gongkai.orgs.selectors import bodies_seen_by


class ItemLinkOut(serializers.Serializer):
    id = serializers.IntegerField()
    index_number = serializers.CharField()
    title = serializers.CharField()
    published_date = serializers.DateField()
    url = serializers.URLField(help_text="门户网站上的页面")


class InterpretationLinkOut(ItemLinkOut):
    form = serializers.CharField(help_text="解读形式：text、graphic、video、qa")
    interpreter = serializers.CharField(help_text="解读主体：official、head、expert、media，或空")


class ItemOut(serializers.Serializer):
    id = serializers.IntegerField()
    index_number = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    doc_number = serializers.CharField(allow_blank=True)
    publisher = serializers.CharField()
    topic = serializers.CharField()
    written_date = serializers.DateField(allow_null=True)
    published_date = serializers.DateField()
    validity = serializers.CharField()
    instrument = serializers.CharField(
        allow_blank=True, help_text="regulation（规章）、normative（行政规范性文件）或空"
    )
    body = serializers.CharField(allow_blank=True)
    url = serializers.URLField()
    interprets = InterpretationLinkOut(allow_null=True, help_text="本信息是政策解读时：所解读的政策文件")
    interpretations = InterpretationLinkOut(many=True, help_text="对本信息的政策解读（已发布的）")


def _link(request: Request, doc: Document, **extra: Any) -> dict[str, Any]:
    return {
        "id": doc.pk,
        "index_number": doc.index_number or "",
        "title": doc.title,
        "published_date": doc.published_date,
        "url": request.build_absolute_uri(reverse("portal:item", args=[doc.org.slug, doc.pk])),
        **extra,
    }


def _interpretation_link(request: Request, doc: Document) -> dict[str, Any]:
    return _link(request, doc, form=doc.interpretation_form, interpreter=doc.interpreter)


class ItemView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(
        summary="一条已公开的政府信息，及其政策解读关系",
        responses={200: ItemOut, **ERRORS},
        tags=["政府信息"],
    )
    def get(self, request: Request, pk: int) -> Response:
        doc = public_document(pk)
        policy = doc.interprets if doc.interprets_id and doc.interprets and doc.interprets.is_public else None
        data = {
            **_link(request, doc),
            "summary": doc.summary,
            "doc_number": doc.doc_number,
            "publisher": doc.publisher_name or doc.org.name,
            "topic": doc.topic.path_label,
            "written_date": doc.written_date,
            "validity": doc.validity,
            "instrument": doc.instrument,
            "body": doc.body,
            "interprets": (
                {**_link(request, policy), "form": doc.interpretation_form, "interpreter": doc.interpreter}
                if policy
                else None
            ),
            "interpretations": [
                _interpretation_link(request, i)
                for i in interpretation.public_interpretations(doc).select_related("org")
            ],
        }
        return Response(out(ItemOut, data))


class BodyFiguresOut(serializers.Serializer):
    org = serializers.CharField(help_text="机关网址标识")
    org_name = serializers.CharField()
    policies = serializers.IntegerField(help_text="该年发布的规章、规范性文件")
    interpreted = serializers.IntegerField(help_text="其中已有解读的")
    synchronous = serializers.IntegerField(help_text="其中同步解读的（三同步）")
    share = serializers.FloatField(allow_null=True, help_text="解读率")
    synchronous_share = serializers.FloatField(allow_null=True, help_text="同步解读率")


class AwaitingOut(serializers.Serializer):
    id = serializers.IntegerField()
    index_number = serializers.CharField()
    title = serializers.CharField()
    org = serializers.CharField()
    published_date = serializers.DateField()


class InterpretationFiguresOut(serializers.Serializer):
    year = serializers.IntegerField()
    sync_working_days = serializers.IntegerField(help_text="发布后多少个工作日内的解读计为同步")
    bodies = BodyFiguresOut(many=True)
    awaiting = AwaitingOut(many=True, help_text="已发布而尚无解读的规章、规范性文件（本人所在机关）")


class StaffInterpretationsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="政策解读（三同步）：各机关一年的解读情况与待解读的政策文件",
        parameters=[OpenApiParameter("year", int, required=False, description="年度，默认今年")],
        responses={200: InterpretationFiguresOut, **ERRORS},
        tags=["工作人员"],
    )
    def get(self, request: Request) -> Response:
        from django.conf import settings

        year = parse_int(
            request.query_params.get("year") or timezone.localdate().year, label="年度", lo=2000, hi=2100, field="year"
        )
        figures = interpretation.figures_by_body(bodies_seen_by(request.user), year)
        data = {
            "year": year,
            "sync_working_days": settings.GONGKAI_INTERPRETATION_SYNC_WORKING_DAYS,
            "bodies": [
                {
                    "org": f.org.slug,
                    "org_name": f.org.name,
                    "policies": f.policies,
                    "interpreted": f.interpreted,
                    "synchronous": f.synchronous,
                    "share": f.share,
                    "synchronous_share": f.synchronous_share,
                }
                for f in figures
                if f.policies
            ],
            "awaiting": [
                {
                    "id": r.policy.pk,
                    "index_number": r.policy.index_number or "",
                    "title": r.policy.title,
                    "org": r.policy.org.slug,
                    "published_date": r.policy.published_date,
                }
                for r in interpretation.awaiting_interpretation(request.user)
            ],
        }
        return Response(out(InterpretationFiguresOut, data))
