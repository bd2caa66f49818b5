"""REST API v1: a body's press conferences (新闻发布会), gazette issues (政府公报) and reading points,
as the portal lists them; and, for staff, the openness records of the bodies they work at or oversee."""

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
from gongkai.catalogue.models import Document, DocumentState
from gongkai.catalogue.selectors import issued_documents
from gongkai.core.errors import NotFound, ValidationFailed
from gongkai.core.numbers import int_param, parse_int
from gongkai.openness import selectors
from gongkai.orgs.selectors import bodies_seen_by, org_by_slug, working_org_ids

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


class GazetteEntryOut(serializers.Serializer):
    position = serializers.IntegerField(help_text="在本期目录中的序号")
    title = serializers.CharField()
    doc_number = serializers.CharField(help_text="文号")
    instrument = serializers.CharField(help_text="regulation（规章）、normative（行政规范性文件）或空")
    url = serializers.URLField(allow_null=True, help_text="信息页面；已撤回的信息为空")


class GazetteIssueOut(serializers.Serializer):
    year = serializers.IntegerField()
    number = serializers.IntegerField(help_text="期号")
    published_on = serializers.DateField()
    contents = GazetteEntryOut(many=True)


class GazetteIssuesOut(serializers.Serializer):
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    results = GazetteIssueOut(many=True)


class GazetteIssuesView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(
        summary="一个机关的政府公报（各期及目录）",
        parameters=[
            OpenApiParameter("org", str, required=True, description="机关网址标识"),
            OpenApiParameter("year", int, required=False),
            OpenApiParameter("page", int, required=False),
        ],
        responses={200: GazetteIssuesOut, **ERRORS},
        tags=["政府信息"],
    )
    def get(self, request: Request) -> Response:
        org = org_by_slug(str(request.query_params.get("org", "")))
        if org is None:
            raise NotFound("没有这个机关。")
        found = selectors.gazette_issues([org.pk])
        year = int_param(request.query_params.get("year"), lo=2000, hi=2100)
        if year is not None:
            found = found.filter(year=year)
        page = int_param(request.query_params.get("page"), lo=1, hi=100_000) or 1

        def entry(e: Any) -> dict[str, Any]:
            doc = e.document
            url = (
                request.build_absolute_uri(reverse("portal:item", args=[doc.org.slug, doc.pk]))
                if doc.state == DocumentState.PUBLISHED
                else None
            )
            return {
                "position": e.position,
                "title": doc.title,
                "doc_number": doc.doc_number,
                "instrument": doc.instrument,
                "url": url,
            }

        results = [
            {
                "year": g.year,
                "number": g.number,
                "published_on": g.published_on,
                "contents": [entry(e) for e in g.entries.all()],
            }
            for g in found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        ]
        return Response(out(GazetteIssuesOut, {"total": found.count(), "page": page, "results": results}))


class ReadingPointOut(serializers.Serializer):
    kind = serializers.CharField(help_text="archives、library、service_centre 或 own_room")
    kind_label = serializers.CharField()
    name = serializers.CharField()
    address = serializers.CharField()
    hours = serializers.CharField(help_text="开放时间")
    holdings = serializers.CharField(help_text="可查阅的内容")


class ReadingPointsOut(serializers.Serializer):
    results = ReadingPointOut(many=True)


class ReadingPointsView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(
        summary="一个机关的政府信息公开查阅点（政府信息公开指南所列）",
        parameters=[OpenApiParameter("org", str, required=True, description="机关网址标识")],
        responses={200: ReadingPointsOut, **ERRORS},
        tags=["政府信息"],
    )
    def get(self, request: Request) -> Response:
        org = org_by_slug(str(request.query_params.get("org", "")))
        if org is None:
            raise NotFound("没有这个机关。")
        results = [
            {
                "kind": p.kind,
                "kind_label": p.get_kind_display(),
                "name": p.name,
                "address": p.address,
                "hours": p.hours,
                "holdings": p.holdings,
            }
            for p in selectors.reading_points([org.pk], active_only=True)
        ]
        return Response(out(ReadingPointsOut, {"results": results}))


class RecordOut(serializers.Serializer):
    id = serializers.IntegerField()
    org = serializers.CharField(help_text="机关网址标识")
    date = serializers.DateField(help_text="举行、回应、交办、出版或成文日期")
    title = serializers.CharField()
    details = serializers.DictField(child=serializers.CharField(allow_blank=True), help_text="该类记录的其他字段")


class RecordsOut(serializers.Serializer):
    kind = serializers.CharField()
    year = serializers.IntegerField()
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    results = RecordOut(many=True)


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


# kind → (the records of these bodies, date field, title, details). 公文 are listed only at the
# bodies where the user works (a supervisor sees their figures, not the list).
RECORD_KINDS: dict[str, tuple[Any, str, Any, Any]] = {
    "press": (
        lambda ids: selectors.press_conferences(ids),
        "held_on",
        lambda r: r.topic,
        lambda r: {"speakers": r.speakers, "head_attended": _yes(r.head_attended)},
    ),
    "training": (
        lambda ids: selectors.training_sessions(ids),
        "held_on",
        lambda r: r.title,
        lambda r: {"kind": r.get_kind_display(), "attendance": str(r.attendance)},
    ),
    "response": (
        lambda ids: selectors.concern_responses(ids),
        "responded_on",
        lambda r: r.concern,
        lambda r: {"channel": r.get_channel_display(), "public_opinion": _yes(r.public_opinion)},
    ),
    "proposal": (
        lambda ids: selectors.deputy_proposals(ids),
        "received_on",
        lambda r: r.title,
        lambda r: {
            "kind": r.get_kind_display(),
            "number": r.number,
            "replied_on": r.replied_on.isoformat() if r.replied_on else "",
        },
    ),
    "gazette": (
        lambda ids: selectors.gazette_issues(ids),
        "published_on",
        lambda r: str(r),
        lambda r: {"items": str(len(r.entries.all()))},
    ),
}


class StaffRecordsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="政务公开工作记录（新闻发布会、培训和会议、回应关切、建议提案、政府公报、公文公开属性）",
        parameters=[
            OpenApiParameter("kind", str, required=True, enum=[*RECORD_KINDS, "issued"], description="记录类型"),
            OpenApiParameter("year", int, required=False, description="年度，默认今年"),
            OpenApiParameter("page", int, required=False),
        ],
        responses={200: RecordsOut, **ERRORS},
        tags=["工作人员"],
    )
    def get(self, request: Request) -> Response:
        kind = str(request.query_params.get("kind", ""))
        year = parse_int(
            request.query_params.get("year") or timezone.localdate().year, label="年度", lo=2000, hi=2100, field="year"
        )
        page = int_param(request.query_params.get("page"), lo=1, hi=100_000) or 1
        if kind == "issued":
            found: Any = issued_documents(working_org_ids(request.user)).filter(written_date__year=year)
            rows = [
                {
                    "id": d.pk,
                    "org": d.org.slug,
                    "date": d.written_date,
                    "title": d.title,
                    "details": {
                        "doc_number": d.doc_number,
                        "attribute": d.get_attribute_display(),
                        "reason": d.get_reason_display() if d.reason else "",
                    },
                }
                for d in found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
            ]
        elif kind in RECORD_KINDS:
            records, field, title, details = RECORD_KINDS[kind]
            found = records([o.pk for o in bodies_seen_by(request.user)]).filter(**{f"{field}__year": year})
            rows = [
                {"id": r.pk, "org": r.org.slug, "date": getattr(r, field), "title": title(r), "details": details(r)}
                for r in found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
            ]
        else:
            raise ValidationFailed(
                "kind 应为 press、training、response、proposal、gazette 或 issued。",
                code="invalid_choice",
                field="kind",
            )
        return Response(
            out(RecordsOut, {"kind": kind, "year": year, "total": found.count(), "page": page, "results": rows})
        )
