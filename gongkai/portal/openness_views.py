"""A body's 新闻发布会 and 政府公报 on the portal: each conference with its date, topic, speakers,
transcript and the interpretations released at it; each gazette issue with its table of contents
(links to the catalogue items)."""

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


def gazette(request: HttpRequest, slug: str) -> HttpResponse:
    """The issues of the body's 政府公报, by year, newest first."""
    org = org_by_slug(slug)
    if org is None:
        raise Http404("没有这个机构。")
    page = Paginator(selectors.gazette_issues([org.pk]), 24).get_page(request.GET.get("page"))
    return render(request, "portal/gazette.html", {"org": org, "section": "gazette", "page": page})


def gazette_issue(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One issue with its table of contents (an item withdrawn since is listed without a link)."""
    org = org_by_slug(slug)
    issue = selectors.gazette_issues([org.pk]).filter(pk=pk).first() if org is not None else None
    if org is None or issue is None:
        raise Http404("没有这一期公报。")
    return render(request, "portal/gazette_issue.html", {"org": org, "section": "gazette", "issue": issue})
