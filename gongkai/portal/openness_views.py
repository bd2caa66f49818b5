"""A body's 新闻发布会 on the portal: each with its date, topic, speakers, transcript and the
interpretations released at it (links to the catalogue items)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from gongkai.openness import selectors
from gongkai.orgs.selectors import org_by_slug


def press_conferences(request: HttpRequest, slug: str) -> HttpResponse:
    org = org_by_slug(slug)
    if org is None:
        raise Http404("没有这个机构。")
    page = Paginator(selectors.press_conferences([org.pk]), 20).get_page(request.GET.get("page"))
    return render(request, "portal/press_conferences.html", {"org": org, "section": "press", "page": page})
