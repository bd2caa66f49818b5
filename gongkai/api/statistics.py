"""REST API v1: the statistics of the openness work for staff (the figures of the workbench's 统计
page: each section 一 figure by month and by body, for a body or its subtree)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gongkai.api.outputs import ERRORS, out
from gongkai.core.errors import NotFound
from gongkai.core.numbers import parse_int
from gongkai.reports import statistics


class BodyValueOut(serializers.Serializer):
    org = serializers.CharField(help_text="机关网址标识")
    value = serializers.IntegerField()


class FigureOut(serializers.Serializer):
    key = serializers.CharField()
    topic = serializers.CharField(help_text="年度报告“总体情况”的类别")
    label = serializers.CharField()
    unit = serializers.CharField()
    months = serializers.ListField(
        child=serializers.IntegerField(), allow_null=True, help_text="1至12月；年末状态的项目为空"
    )
    total = serializers.IntegerField()
    by_body = BodyValueOut(many=True, help_text="各机关全年数字（不为零的）")


class StatisticsOut(serializers.Serializer):
    year = serializers.IntegerField()
    org = serializers.CharField()
    subtree = serializers.BooleanField()
    bodies = serializers.ListField(child=serializers.CharField(), help_text="计入的机关")
    figures = FigureOut(many=True)


class StaffStatisticsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="政务公开统计：本机关或本机关及下级机关一年的各项数字（按月、按机关）",
        parameters=[
            OpenApiParameter("org", str, required=True, description="机关网址标识（须为本人所在或监督的机关）"),
            OpenApiParameter("year", int, required=False, description="年度，默认今年"),
            OpenApiParameter("scope", str, required=False, enum=["self", "subtree"], description="默认 self"),
        ],
        responses={200: StatisticsOut, **ERRORS},
        tags=["工作人员"],
    )
    def get(self, request: Request) -> Response:
        year = parse_int(
            request.query_params.get("year") or timezone.localdate().year, label="年度", lo=2000, hi=2100, field="year"
        )
        wanted = str(request.query_params.get("org", ""))
        subtree = request.query_params.get("scope") == "subtree"
        org, bodies = statistics.bodies_in_scope(request.user, wanted, subtree=subtree)
        if org is None or wanted not in (str(org.pk), org.slug):
            raise NotFound("没有这个机关，或您不能查看它的统计。")
        ids = [o.pk for o in bodies]
        slugs = {o.pk: o.slug for o in bodies}
        per_body = statistics.by_body(ids, year)
        figures = [
            {
                "key": s.fact.key,
                "topic": s.fact.topic,
                "label": s.fact.before,
                "unit": s.fact.unit,
                "months": list(s.months) if s.months is not None else None,
                "total": s.total,
                "by_body": [{"org": slugs[pk], "value": v} for pk, v in per_body[s.fact.key].items() if v],
            }
            for s in statistics.monthly(ids, year)
        ]
        data = {"year": year, "org": org.slug, "subtree": subtree, "bodies": list(slugs.values()), "figures": figures}
        return Response(out(StatisticsOut, data))
