"""REST API v1: a body's press conferences (新闻发布会), as the portal lists them."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gongkai.api.outputs import ERRORS, out
from gongkai.catalogue.models import Document, DocumentState
from gongkai.core.errors import NotFound
from gongkai.core.numbers import int_param
from gongkai.openness import selectors
from gongkai.orgs.selectors import org_by_slug

PAGE_SIZE = 20


class LinkedItemOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.URLField()


class PressConferenceOut(serializers.Serializer):
    held_on = serializers.DateField()
    topic = serializers.CharField()
    speakers = serializers.CharField()
    head_attended = serializers.BooleanField(help_text="主要负责人出席")
    transcript = LinkedItemOut(allow_null=True)
    interpretations = LinkedItemOut(many=True)


class PressConferencesOut(serializers.Serializer):
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    results = PressConferenceOut(many=True)


class PressConferencesView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(
        summary="一个机关的新闻发布会",
        parameters=[
            OpenApiParameter("org", str, required=True, description="机关网址标识"),
            OpenApiParameter("page", int, required=False),
        ],
        responses={200: PressConferencesOut, **ERRORS},
        tags=["政府信息"],
    )
    def get(self, request: Request) -> Response:
        org = org_by_slug(str(request.query_params.get("org", "")))
        if org is None:
            raise NotFound("没有这个机关。")
        found = selectors.press_conferences([org.pk])
        page = int_param(request.query_params.get("page"), lo=1, hi=100_000) or 1

        def link(doc: Document | None) -> dict[str, Any] | None:
            if doc is None or doc.state != DocumentState.PUBLISHED:
                return None
            url = request.build_absolute_uri(reverse("portal:item", args=[doc.org.slug, doc.pk]))
            return {"id": doc.pk, "title": doc.title, "url": url}

        results = []
        for c in found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]:
            results.append(
                {
                    "held_on": c.held_on,
                    "topic": c.topic,
                    "speakers": c.speakers,
                    "head_attended": c.head_attended,
                    "transcript": link(c.transcript),
                    "interpretations": [x for x in (link(i) for i in c.interpretations.all()) if x],
                }
            )
        return Response(out(PressConferencesOut, {"total": found.count(), "page": page, "results": results}))
