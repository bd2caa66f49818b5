"""REST API v1, search: exactly what the portal shows, as JSON. (Applications: ``applications``.)"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import reverse

from gongkai.portal.params import int_param
from gongkai.portal.search_views import filters_from
from gongkai.search.query import search


def search_api(request: HttpRequest) -> JsonResponse:
    params = {k: request.GET.get(k, "") for k in ("q", "org", "topic", "art20", "year", "validity", "sort", "page")}
    page_size = min(max(int_param(request.GET.get("page_size")) or 20, 1), 100)
    result = search(
        params["q"],
        filters_from(params),
        sort=params["sort"] or "relevance",
        page=int_param(params["page"]) or 1,
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
    return JsonResponse(
        {
            "query": {"q": params["q"][:200], "terms": list(result.query.raw_terms), "notice": result.query.notice},
            "total": result.total,
            # true when there are more matches than counted (total is then the cap, search.query.COUNT_CAP)
            "total_capped": result.total_capped,
            "page": result.page,
            "page_size": result.page_size,
            "pages": result.pages,
            "sort": result.sort,
            "results": items,
            "facets": {
                k: [{"value": v, "label": label, "count": n} for v, label, n in rows]
                for k, rows in result.facets.items()
            },
        },
        json_dumps_params={"ensure_ascii": False},
    )
