"""A body's 重点领域 columns on its 政府信息公开 column: the list, and each column's published items."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from gongkai.catalogue.selectors import column_items, key_columns
from gongkai.orgs.selectors import org_by_slug


def key_areas(request: HttpRequest, slug: str) -> HttpResponse:
    org = org_by_slug(slug)
    if org is None:
        raise Http404("没有这个机构。")
    return render(
        request, "portal/key_areas.html", {"org": org, "section": "key_areas", "columns": key_columns([org.pk])}
    )


def key_column(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    org = org_by_slug(slug)
    found = [s for s in key_columns([org.pk]) if s.column.pk == pk] if org is not None else []
    if org is None or not found:
        raise Http404("没有这个栏目。")
    status = found[0]
    page = Paginator(column_items(status.column), 20).get_page(request.GET.get("page"))
    return render(
        request, "portal/key_column.html", {"org": org, "section": "key_areas", "status": status, "page": page}
    )
