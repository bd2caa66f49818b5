"""REST API v1 for 政民互动: the questions and answers a body published with the writers' consent,
as the portal shows them (no personal data)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gongkai.api.outputs import ERRORS, out
from gongkai.core.errors import NotFound
from gongkai.core.numbers import int_param
from gongkai.interaction import selectors
from gongkai.orgs.selectors import org_by_slug

PAGE_SIZE = 20


class PublishedMessageOut(serializers.Serializer):
    id = serializers.IntegerField()
    channel = serializers.CharField(help_text="leader（领导信箱）、consult（咨询）、suggest（建议）、complain（投诉）")
    subject = serializers.CharField()
    question = serializers.CharField(help_text="公开的问题（已删除个人信息）")
    answer = serializers.CharField(help_text="公开的答复")
    received_on = serializers.DateField()
    replied_on = serializers.DateField()


class PublishedMessagesOut(serializers.Serializer):
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    results = PublishedMessageOut(many=True)


class PublishedMessagesView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(
        summary="一个机关公开的留言和答复",
        parameters=[
            OpenApiParameter("org", str, required=True, description="机关网址标识"),
            OpenApiParameter("q", str, required=False, description="查找的词；多个词以空格分隔，须同时包含"),
            OpenApiParameter("page", int, required=False),
        ],
        responses={200: PublishedMessagesOut, **ERRORS},
        tags=["政民互动"],
    )
    def get(self, request: Request) -> Response:
        org = org_by_slug(str(request.query_params.get("org", "")))
        if org is None:
            raise NotFound("没有这个机关。")
        found = selectors.published_messages(org, str(request.query_params.get("q", ""))[:100])
        page = int_param(request.query_params.get("page"), lo=1, hi=100_000) or 1
        rows = found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        data = {
            "total": found.count(),
            "page": page,
            "results": [
                {
                    "id": m.pk,
                    "channel": m.box.channel,
                    "subject": m.subject,
                    "question": m.published_question,
                    "answer": m.published_reply,
                    "received_on": m.received_on,
                    "replied_on": m.replied_on,
                }
                for m in rows
            ],
        }
        return Response(out(PublishedMessagesOut, data))
