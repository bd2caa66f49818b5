"""The 政府信息公开 column of a government website: read-only, public, Simplified Chinese."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from gongkai.catalogue.interpretation import public_interpretations
from gongkai.catalogue.models import Attachment
from gongkai.catalogue.selectors import BrowseFilters, browse_facets, browse_public, public_document, public_documents
from gongkai.core.errors import NotFound
from gongkai.core.numbers import int_param
from gongkai.openness.selectors import reading_points
from gongkai.orgs.models import Organisation
from gongkai.orgs.selectors import org_ancestors, org_by_slug, org_subtree, public_orgs
from gongkai.reports.downloads import CONTENT_TYPES, export_response
from gongkai.reports.presentation import report_context
from gongkai.reports.selectors import published_reports

PAGE_SIZE = 20


def _org_or_404(slug: str) -> Organisation:
    org = org_by_slug(slug)
    if org is None:
        raise Http404("没有这个机构。")
    return org


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"orgs": public_orgs()})


def column(request: HttpRequest, slug: str) -> HttpResponse:
    org = _org_or_404(slug)
    latest = browse_public(org, BrowseFilters())[:10]
    return render(request, "portal/column.html", {"org": org, "latest": latest, "section": "index"})


def guide(request: HttpRequest, slug: str) -> HttpResponse:
    """政府信息公开指南 (条例 第十二条), generated from the organisation's own data."""
    org = _org_or_404(slug)
    ancestors = org_ancestors(org, include_self=False)
    return render(
        request,
        "portal/guide.html",
        {
            "org": org,
            "section": "guide",
            "supervisor": ancestors[-1] if ancestors else None,
            "reading_points": reading_points([org.pk], active_only=True),
        },
    )


def rules(request: HttpRequest, slug: str) -> HttpResponse:
    org = _org_or_404(slug)
    paragraphs = [p for p in org.disclosure_rules.split("\n") if p.strip()]
    return render(request, "portal/rules.html", {"org": org, "section": "rules", "paragraphs": paragraphs})


def browse(request: HttpRequest, slug: str) -> HttpResponse:
    """法定主动公开内容: browsable by topic, Art. 20 item, year and issuing body, with a title/文号 lookup."""
    org = _org_or_404(slug)
    q = request.GET.get("q", "")[:100]
    filters = BrowseFilters(
        topic=request.GET.get("topic", "")[:10],
        art20=request.GET.get("art20", "")[:10],
        year=int_param(request.GET.get("year"), lo=1900, hi=2100),
        publisher=int_param(request.GET.get("publisher")),
        q=q,
    )
    page = Paginator(browse_public(org, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "portal/browse.html",
        {
            "org": org,
            "section": "browse",
            "page": page,
            "filters": filters,
            "facets": browse_facets(org),
            "querystring": params.urlencode(),
            "subtree": org_subtree(org),
        },
    )


def reports(request: HttpRequest, slug: str) -> HttpResponse:
    """政府信息公开年报: the body's published annual reports (Art. 49–50)."""
    org = _org_or_404(slug)
    return render(request, "portal/reports.html", {"org": org, "section": "reports", "reports": published_reports(org)})


def report(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    org = _org_or_404(slug)
    found = published_reports(org).filter(year=year).first()
    if found is None:
        raise Http404("没有这一年度已发布的年报。")
    return render(request, "portal/report.html", {"org": org, "section": "reports", **report_context(found)})


def item(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    org = _org_or_404(slug)
    try:
        doc = public_document(pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if not doc.org.path.startswith(org.path):
        raise Http404("该信息不属于本栏目。")
    paragraphs = [p for p in doc.body.split("\n") if p.strip()]
    policy = doc.interprets if doc.interprets_id and doc.interprets and doc.interprets.is_public else None
    return render(
        request,
        "portal/item.html",
        {
            "org": org,
            "doc": doc,
            "section": "browse",
            "paragraphs": paragraphs,
            "policy": policy,
            "interpretations": list(public_interpretations(doc).select_related("org")),
        },
    )


def attachment(request: HttpRequest, pk: int) -> FileResponse:
    att = Attachment.objects.filter(pk=pk, document__in=public_documents()).first()
    if att is None:
        raise Http404("附件不存在或未公开。")
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.original_name)


def report_export(request: HttpRequest, slug: str, year: int, fmt: str) -> HttpResponseBase:
    org = _org_or_404(slug)
    found = published_reports(org).filter(year=year).first()
    if found is None or fmt not in CONTENT_TYPES:
        raise Http404("没有这一年度已发布的年报。")
    return export_response(found, fmt)
