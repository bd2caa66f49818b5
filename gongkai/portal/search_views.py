"""Full-text search pages of the portal (the same service the API uses)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gongkai.catalogue.models import Validity, Vocabulary
from gongkai.catalogue.selectors import current_terms
from gongkai.core.numbers import int_param
from gongkai.orgs.selectors import public_orgs
from gongkai.search.query import SearchFilters, search


def search_page(request: HttpRequest) -> HttpResponse:
    params = {k: request.GET.get(k, "") for k in ("q", "org", "topic", "art20", "year", "validity", "sort", "page")}
    filters = SearchFilters.from_params(params)
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
