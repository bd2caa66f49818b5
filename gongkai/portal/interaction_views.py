"""政民互动 on the portal: a body's channels (领导信箱, 咨询, 建议, 投诉), writing in, following a
message with its tracking code and password, and the questions and answers published with the
writers' consent (browsed and searched). Writing in has the application form's checks against
scripts and the same limit per address; failed look-ups are limited as for applications."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from gongkai.applications.secret_rules import MIN_LENGTH as MIN_SECRET
from gongkai.core import antiabuse, ratelimit
from gongkai.core.errors import ApplicationError, NotFound
from gongkai.interaction import selectors, services
from gongkai.interaction.models import Channel, Message, MessageState, Satisfaction
from gongkai.orgs.models import Organisation
from gongkai.orgs.selectors import org_by_slug
from gongkai.portal.apply_views import (
    SecretPairForm,
    TrackForm,
    field_error,
    fresh_challenge,
    report_script_check,
    sign_in_with_code,
)

log = logging.getLogger(__name__)
DONE_KEY = "gongkai_message_written"
VIEWED_KEY = "gongkai_message_viewed"


class WriteForm(SecretPairForm):
    writer_name = forms.CharField(label="姓名", max_length=60)
    phone = forms.CharField(label="联系电话", max_length=30)
    email = forms.CharField(label="电子邮箱", max_length=254, required=False)
    subject = forms.CharField(label="标题", max_length=100)
    body = forms.CharField(label="留言内容", widget=forms.Textarea(attrs={"rows": 8}), max_length=5000)
    consent = forms.BooleanField(label="同意在答复后将留言和答复公开（公开时删除姓名、电话等个人信息）", required=False)
    secret = forms.CharField(
        label="设置查询密码",
        widget=forms.PasswordInput(render_value=False),
        min_length=MIN_SECRET,
        max_length=64,
        help_text="至少8个字符。凭查询码和查询密码查看答复，请牢记。",
    )
    secret2 = forms.CharField(label="再次输入查询密码", widget=forms.PasswordInput(render_value=False), max_length=64)
    challenge_answer = forms.CharField(label="验证问题", max_length=10)
    challenge_token = forms.CharField(widget=forms.HiddenInput)
    website = forms.CharField(
        required=False, label="请勿填写此项", widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"})
    )

    def writer(self) -> dict[str, Any]:
        return {k: self.cleaned_data.get(k, "") for k in services.LIMITS}


def _org(slug: str) -> Organisation:
    org = org_by_slug(slug)
    if org is None:
        raise Http404("没有这个机构。")
    return org


def hudong(request: HttpRequest, slug: str) -> HttpResponse:
    org = _org(slug)
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.published_messages(org, query), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/hudong/index.html",
        {
            "org": org,
            "section": "hudong",
            "boxes": selectors.open_boxes(org),
            "page": page,
            "q": query,
            "page_query": f"q={quote(query)}&" if query else "",
        },
    )


def hudong_item(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    org = _org(slug)
    try:
        message = selectors.published_message(org, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "portal/hudong/item.html", {"org": org, "section": "hudong", "message": message})


def hudong_write(request: HttpRequest, slug: str, channel: str) -> HttpResponse:
    org = _org(slug)
    if channel not in Channel.values:
        raise Http404("没有这个渠道。")
    try:
        box = selectors.open_box(org, channel)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    who = ratelimit.client_address(request)
    form = WriteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if ratelimit.exceeded("message", who, settings.GONGKAI_APPLY_RATE_PER_HOUR):
            form.add_error(None, "您留言过于频繁，请一小时后再试。已提交的留言不受影响。")
            status = 429
        elif not form.is_valid():
            report_script_check(form)
            status = 400
        else:
            try:
                antiabuse.verify(
                    form.cleaned_data["challenge_token"],
                    form.cleaned_data["challenge_answer"],
                    form.cleaned_data["website"],
                )
                ratelimit.hit("message", who)
                message = services.message_submit(
                    box=box,
                    writer=form.writer(),
                    secret=form.cleaned_data["secret"],
                    consent=form.cleaned_data["consent"],
                )
            except ApplicationError as exc:
                field_error(form, exc)
                status = 400
            else:
                request.session[DONE_KEY] = message.pk
                request.session[VIEWED_KEY] = message.pk
                return redirect("portal:hudong_done")
    question = fresh_challenge(form)
    context = {"org": org, "section": "hudong", "box": box, "form": form, "question": question}
    return render(request, "portal/hudong/write.html", context, status=status)


def _viewed(request: HttpRequest, key: str) -> Message:
    pk = request.session.get(key)
    message = Message.objects.select_related("org", "box", "application").filter(pk=pk).first() if pk else None
    if message is None:
        raise Http404("请先凭查询码和查询密码查询。")
    return message


def hudong_done(request: HttpRequest) -> HttpResponse:
    message = _viewed(request, DONE_KEY)
    return render(request, "portal/hudong/done.html", {"message": message, "org": message.org, "section": "hudong"})


def hudong_track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None)
    message, status = sign_in_with_code(request, form, services.verify_writer)
    if message is not None:
        request.session[VIEWED_KEY] = message.pk
        return redirect("portal:hudong_status")
    return render(request, "portal/hudong/track.html", {"form": form}, status=status)


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(label="您对答复是否满意", choices=Satisfaction.choices, widget=forms.RadioSelect)


def hudong_status(request: HttpRequest) -> HttpResponse:
    message = _viewed(request, VIEWED_KEY)
    form = RateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.message_rate(message=message, satisfaction=form.cleaned_data["satisfaction"])
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = 400
            else:
                return redirect("portal:hudong_status")
        else:
            status = 400
    can_rate = message.state == MessageState.REPLIED and not message.satisfaction
    context = {"message": message, "org": message.org, "section": "hudong", "rate_form": form if can_rate else None}
    return render(request, "portal/hudong/status.html", context, status=status)
