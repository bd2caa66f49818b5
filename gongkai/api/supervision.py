"""REST API v1: the supervision dashboard for staff (each body's indicators for a period, counted
from the records; counts only, no personal data)."""

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
from gongkai.orgs.models import Organisation
from gongkai.supervision import selectors
from gongkai.supervision.indicators import GROUPS
from gongkai.supervision.periods import period_from


class IndicatorOut(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    rate = serializers.BooleanField(help_text="是否为比率（value 为百分数）")
    lower_is_better = serializers.BooleanField()


class ValueOut(serializers.Serializer):
    key = serializers.CharField()
    number = serializers.IntegerField(help_text="计数，或比率的分子")
    base = serializers.IntegerField(allow_null=True, help_text="比率的分母；计数为空")
    value = serializers.CharField(allow_null=True, help_text="显示值：计数，或百分数（一位小数）；无分母为空")


class BodyOut(serializers.Serializer):
    org = serializers.CharField(allow_null=True, help_text="机关网址标识；合计行为空")
    org_name = serializers.CharField()
    values = ValueOut(many=True)


class DashboardOut(serializers.Serializer):
    root = serializers.CharField()
    group = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    indicators = IndicatorOut(many=True)
    bodies = BodyOut(many=True)
    total = BodyOut()


class StaffSupervisionView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="监督考核：一个监督范围内各机关的指标（按期间，计数与比率，含合计）",
        parameters=[
            OpenApiParameter("root", str, required=True, description="范围顶端机关的网址标识"),
            OpenApiParameter("group", str, required=False, enum=list(GROUPS)),
            OpenApiParameter("period", str, required=False, enum=["year", "quarter", "month", "custom"]),
            OpenApiParameter("year", int, required=False),
            OpenApiParameter("quarter", int, required=False),
            OpenApiParameter("month", int, required=False),
            OpenApiParameter("start", str, required=False, description="自定义期间起（YYYY-MM-DD）"),
            OpenApiParameter("end", str, required=False, description="自定义期间止（YYYY-MM-DD）"),
        ],
        responses={200: DashboardOut, **ERRORS},
        tags=["工作人员"],
    )
    def get(self, request: Request) -> Response:
        today = timezone.localdate()
        slug = str(request.query_params.get("root", ""))
        roots = selectors.supervised_roots(request.user)
        root = Organisation.objects.filter(slug=slug).first()
        if root is None or not any(root.path.startswith(r.path) for r in roots):
            raise NotFound("没有这个机关，或您不能监督它。")
        period = period_from({k: str(v) for k, v in request.query_params.items()}, today)
        board = selectors.dashboard(root, period, str(request.query_params.get("group", "")), today)

        def body(row: selectors.BodyRow) -> dict[str, object]:
            return {
                "org": row.org.slug if row.org else None,
                "org_name": row.org.name if row.org else "合计",
                "values": [
                    {
                        "key": c.indicator.key,
                        "number": c.number,
                        "base": c.base,
                        "value": None if c.value is None else str(c.value),
                    }
                    for c in row.cells
                ],
            }

        data = {
            "root": root.slug,
            "group": board.group,
            "start": period.start,
            "end": period.end,
            "indicators": [
                {
                    "key": i.key,
                    "label": i.label,
                    "unit": i.unit,
                    "rate": i.is_rate,
                    "lower_is_better": i.lower_is_better,
                }
                for i in board.indicators
            ],
            "bodies": [body(r) for r in board.rows],
            "total": body(board.total),
        }
        return Response(out(DashboardOut, data))
