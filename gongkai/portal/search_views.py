"""Full-text search pages of the portal (the same service the API uses)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gongkai.catalogue.models import Validity, Vocabulary
from gongkai.catalogue.selectors import current_terms
from gongkai.orgs.selectors import org_by_slug, public_orgs
from gongkai.portal.params import int_param
from gongkai.search.query import SearchFilters, search


def filters_from(params: dict[str, str]) -> SearchFilters:
    """Parse filter parameters; unknown or malformed values are ignored, never an error."""
    return SearchFilters(
        org=org_by_slug(params.get("org", "")[:60]) if params.get("org") else None,
        topic=params.get("topic", "")[:10],
        art20=params.get("art20", "")[:10],
        year=int_param(params.get("year"), lo=1900, hi=2100),
        validity=params.get("validity", "")[:10],
    )


def search_page(request: HttpRequest) -> HttpResponse:
    params = {k: request.GET.get(k, "") for k in ("q", "org", "topic", "art20", "year", "validity", "sort", "page")}
    filters = filters_from(params)
    result = search(
        params["q"], filters, sort=params["sort"] or "relevance", page=int_param(params["page"], lo=1, hi=10_000) or 1
    )
    query = request.GET.copy()
    query.pop("page", None)
    without = {}
    for key in ("org", "topic", "art20", "year", "validity"):
        q = query.copy()
        q.pop(key, None)
        without[key] = q.urlencode()
    by_sort = {}
    for sort in ("relevance", "date"):
        q = query.copy()
        q["sort"] = sort
        by_sort[sort] = q.urlencode()
    return render(
        request,
        "portal/search.html",
        {
            "result": result,
            "q": params["q"][:200],
            "filters": filters,
            "querystring": query.urlencode(),
            "without": without,
            "by_sort": by_sort,
            "org": filters.org,
        },
    )


def advanced_search(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/advanced_search.html",
        {
            "orgs": public_orgs(),
            "topics": current_terms(Vocabulary.TOPIC).filter(parent__isnull=True),
            "art20": current_terms(Vocabulary.ART20),
            "validity": Validity.choices,
        },
    )
