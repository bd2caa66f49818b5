"""REST API v1, search: exactly what the portal shows, as JSON. (Applications: ``applications``.)"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gongkai.core.numbers import int_param
from gongkai.search.query import SearchFilters, search


class SearchView(APIView):
    """Full-text search of published items: the same results, order and facets as the portal."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(
        summary="检索已公开的政府信息",
        parameters=[
            OpenApiParameter("q", str, description="检索词；多个词以空格分隔，须同时包含"),
            OpenApiParameter("org", str, description="机关网址标识：本机关及下级"),
            OpenApiParameter("topic", str, description="主题分类代码"),
            OpenApiParameter("art20", str, description="第二十条公开事项代码"),
            OpenApiParameter("year", int, description="发布年份"),
            OpenApiParameter("validity", str, description="有效性：current、amended、repealed"),
            OpenApiParameter("sort", str, description="relevance（默认）或 date"),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int, description="1至100，默认20"),
        ],
        responses=inline_serializer(
            "SearchResult",
            {
                "total": serializers.IntegerField(),
                "total_capped": serializers.BooleanField(),
                "regional": serializers.IntegerField(
                    help_text="total 中仅以另一地区的说法找到的条数（match_tier 为 4，排在最后，如“資訊”与“信息”）"
                ),
                "page": serializers.IntegerField(),
                "pages": serializers.IntegerField(),
                "results": serializers.ListField(child=serializers.DictField()),
                "facets": serializers.DictField(),
            },
        ),
        tags=["检索"],
    )
    def get(self, request: Request) -> Response:
        return Response(search_payload(request))


def search_payload(request: Request) -> dict[str, Any]:
    params = {
        k: request.query_params.get(k, "") for k in ("q", "org", "topic", "art20", "year", "validity", "sort", "page")
    }
    page_size = min(max(int_param(request.query_params.get("page_size"), lo=1, hi=100) or 20, 1), 100)
    result = search(
        params["q"],
        SearchFilters.from_params(params),
        sort=params["sort"] or "relevance",
        page=int_param(params["page"], lo=1, hi=10_000) or 1,
        page_size=page_size,
    )
    items = []
    for hit in result.hits:
        doc = hit.document
        items.append(
            {
                "id": doc.pk,
                "index_number": doc.index_number,
                "title": doc.title,
                "title_html": str(hit.title),
                "snippet_html": str(hit.snippet),
                "doc_number": doc.doc_number,
                "doc_number_html": str(hit.number),
                "publisher": doc.publisher_name or doc.org.name,
                "topic": doc.topic.path_label,
                "written_date": doc.written_date.isoformat() if doc.written_date else None,
                "published_date": doc.published_date.isoformat() if doc.published_date else None,
                "validity": doc.validity,
                "validity_label": doc.get_validity_display(),
                "match_tier": hit.tier,
                "url": request.build_absolute_uri(reverse("portal:item", args=[doc.org.slug, doc.pk])),
            }
        )
    return {
        "query": {"q": params["q"][:200], "terms": list(result.query.raw_terms), "notice": result.query.notice},
        "total": result.total,
        # true when there are more matches than counted (total is then the cap, search.tuning.Tuning.count_cap)
        "total_capped": result.total_capped,
        # of total, the items found only by a regional variant of the query (match_tier 4, last)
        "regional": result.regional,
        "page": result.page,
        "page_size": result.page_size,
        "pages": result.pages,
        "sort": result.sort,
        "results": items,
        "facets": {
            k: [{"value": v, "label": label, "count": n} for v, label, n in rows] for k, rows in result.facets.items()
        },
    }
