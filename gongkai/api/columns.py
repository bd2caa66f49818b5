"""REST API v1: a body's 重点领域 columns with their update state, as the portal lists them."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gongkai.api.outputs import ERRORS, out
from gongkai.catalogue.selectors import key_columns
from gongkai.core.errors import NotFound
from gongkai.orgs.selectors import org_by_slug


class KeyColumnOut(serializers.Serializer):
    name = serializers.CharField()
    area = serializers.CharField(help_text="重点领域")
    area_code = serializers.CharField()
    frequency = serializers.CharField(help_text="on_change、monthly、quarterly、half_yearly 或 yearly")
    items = serializers.IntegerField(help_text="栏目中已发布的信息条数")
    last_update = serializers.DateField(allow_null=True)
    update_due = serializers.DateField(allow_null=True, help_text="按声明的更新频率，下次应更新的最晚日期")
    overdue = serializers.BooleanField(help_text="已超过更新频率未更新")
    url = serializers.URLField()


class KeyColumnsOut(serializers.Serializer):
    results = KeyColumnOut(many=True)


class KeyColumnsView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(
        summary="一个机关的重点领域栏目",
        parameters=[OpenApiParameter("org", str, required=True, description="机关网址标识")],
        responses={200: KeyColumnsOut, **ERRORS},
        tags=["政府信息"],
    )
    def get(self, request: Request) -> Response:
        org = org_by_slug(str(request.query_params.get("org", "")))
        if org is None:
            raise NotFound("没有这个机关。")
        today = timezone.localdate()
        results = [
            {
                "name": s.column.name,
                "area": s.column.area.label,
                "area_code": s.column.area.code,
                "frequency": s.column.frequency,
                "items": s.items,
                "last_update": s.last_update,
                "update_due": s.due,
                "overdue": s.stale_on(today),
                "url": request.build_absolute_uri(reverse("portal:key_column", args=[org.slug, s.column.pk])),
            }
            for s in key_columns([org.pk])
        ]
        return Response(out(KeyColumnsOut, {"results": results}))
