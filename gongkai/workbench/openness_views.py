"""新闻发布会, 培训、会议, 政府公报 and the other openness records in the workbench: recorded as they
happen by the body's clerk, listed, and counted per body for the year (a supervisor sees the
figures of every body below it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongkai.core.errors import ApplicationError
from gongkai.openness import corrections, importing, selectors, services
from gongkai.openness.models import (
    NewMediaAccount,
    Platform,
    PointKind,
    ProposalKind,
    ReadingPoint,
    ResponseChannel,
    SessionKind,
)
from gongkai.orgs import policies
from gongkai.orgs.models import Organisation
from gongkai.orgs.selectors import bodies_seen_by, working_org_ids
from gongkai.workbench.forms import BodyForm, submit
from gongkai.workbench.openness_import_views import import_form


class PressForm(BodyForm):
    held_on = forms.DateField(label="举行日期", widget=forms.DateInput(attrs={"type": "date"}))
    topic = forms.CharField(label="主题", max_length=200)
    speakers = forms.CharField(label="发布人（新闻发言人、负责人等）", max_length=300)
    head_attended = forms.BooleanField(label="主要负责人出席", required=False)
    transcript = forms.CharField(label="实录的索引号（可选）", max_length=40, required=False)
    interpretations = forms.CharField(
        label="发布的政策解读的索引号（可选，多个以空格分隔）", max_length=500, required=False
    )


class TrainingForm(BodyForm):
    kind = forms.ChoiceField(label="类型", choices=SessionKind.choices)
    held_on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label="名称", max_length=200)
    attendance = forms.IntegerField(label="参加人次", min_value=1, max_value=1_000_000)


class ResponseForm(BodyForm):
    responded_on = forms.DateField(label="回应日期", widget=forms.DateInput(attrs={"type": "date"}))
    concern = forms.CharField(label="关切事项", max_length=300)
    channel = forms.ChoiceField(label="回应渠道", choices=ResponseChannel.choices)
    public_opinion = forms.BooleanField(label="属于舆情回应", required=False)
    items = forms.CharField(label="相关信息的索引号（可选，多个以空格分隔）", max_length=500, required=False)


class ProposalForm(BodyForm):
    kind = forms.ChoiceField(label="建议或提案", choices=ProposalKind.choices)
    number = forms.CharField(label="编号", max_length=40)
    title = forms.CharField(label="案由", max_length=300)
    received_on = forms.DateField(label="交办日期", widget=forms.DateInput(attrs={"type": "date"}))


class PointForm(BodyForm):
    kind = forms.ChoiceField(label="查阅点类型", choices=PointKind.choices)
    name = forms.CharField(label="查阅点名称", max_length=100)
    address = forms.CharField(label="地址", max_length=200)
    hours = forms.CharField(label="开放时间", max_length=200)
    holdings = forms.CharField(label="可查阅的内容（可选）", max_length=300, required=False)


class ReadingTallyForm(forms.Form):
    point = forms.ModelChoiceField(label="查阅点", queryset=ReadingPoint.objects.none(), empty_label=None)
    year = forms.IntegerField(label="年", min_value=2000, max_value=2100)
    month = forms.IntegerField(label="月", min_value=1, max_value=12)
    visits = forms.IntegerField(label="接待人次", min_value=0, max_value=10_000_000)
    items_consulted = forms.IntegerField(label="查阅件次", min_value=0, max_value=10_000_000)
    source = forms.CharField(label="数据来源", max_length=200)

    def __init__(self, *args: Any, org_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["point"].queryset = selectors.reading_points(org_ids)  # type: ignore[attr-defined]


class AccountForm(BodyForm):
    platform = forms.ChoiceField(label="平台", choices=Platform.choices)
    name = forms.CharField(label="账号名称", max_length=100)
    operator = forms.CharField(label="运营主体", max_length=100)


class AccountFiguresForm(forms.Form):
    account = forms.ModelChoiceField(label="账号", queryset=NewMediaAccount.objects.none(), empty_label=None)
    year = forms.IntegerField(label="年", min_value=2000, max_value=2100)
    month = forms.IntegerField(label="月", min_value=1, max_value=12)
    posts = forms.IntegerField(label="发布信息条数", min_value=0, max_value=10_000_000)
    followers = forms.IntegerField(label="月末关注人数", min_value=0, max_value=2_000_000_000)
    source = forms.CharField(label="数据来源", max_length=200)

    def __init__(self, *args: Any, org_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = NewMediaAccount.objects.filter(org_id__in=org_ids)  # type: ignore[attr-defined]


class GazetteForm(BodyForm):
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100)
    number = forms.IntegerField(label="期号", min_value=1, max_value=400)
    published_on = forms.DateField(label="出版日期", widget=forms.DateInput(attrs={"type": "date"}))
    items = forms.CharField(
        label="本期目录：刊载的信息的索引号（按刊载顺序，以空格或换行分隔）",
        max_length=15_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReplyForm(forms.Form):
    replied_on = forms.DateField(label="答复日期", widget=forms.DateInput(attrs={"type": "date"}))
    reply_item = forms.CharField(label="公开的答复的索引号（可选）", max_length=40, required=False)


def _record(
    request: HttpRequest, form: forms.Form, what: str, done: str, write: Callable[[dict[str, Any]], object]
) -> HttpResponse:
    """One recording form's submission (``forms.submit``), back to the page either way."""

    def run(data: dict[str, Any]) -> str:
        write(data)
        return done

    submit(request, form, what, run)
    return redirect("workbench:openness")


def _orgs(request: HttpRequest) -> list[Organisation]:
    return policies.orgs_where(request.user, "openness.record")


@login_required
def openness(request: HttpRequest) -> HttpResponse:
    year = timezone.localdate().year
    orgs = _orgs(request)
    own = working_org_ids(request.user)
    bodies = bodies_seen_by(request.user)
    figures = selectors.figures([o.pk for o in bodies], year)
    return render(
        request,
        "workbench/openness.html",
        {
            "year": year,
            "press_form": PressForm(orgs=orgs, prefix="press") if orgs else None,
            "training_form": TrainingForm(orgs=orgs, prefix="training") if orgs else None,
            "conferences": selectors.press_conferences(own).filter(held_on__year=year),
            "sessions": selectors.training_sessions(own).filter(held_on__year=year),
            "figures": [(o, figures[o.pk]) for o in bodies],
            "response_form": ResponseForm(orgs=orgs, prefix="response") if orgs else None,
            "proposal_form": ProposalForm(orgs=orgs, prefix="proposal") if orgs else None,
            "responses": selectors.concern_responses(own).filter(responded_on__year=year),
            "proposals": selectors.deputy_proposals(own).filter(received_on__year__gte=year - 1),
            "point_form": PointForm(orgs=orgs, prefix="point") if orgs else None,
            "reading_form": (
                ReadingTallyForm(org_ids=[o.pk for o in orgs], prefix="reading", initial={"year": year})
                if orgs
                else None
            ),
            "points": selectors.reading_points(own),
            "account_form": AccountForm(orgs=orgs, prefix="account") if orgs else None,
            "account_figures_form": (
                AccountFiguresForm(org_ids=[o.pk for o in orgs], prefix="figures", initial={"year": year})
                if orgs
                else None
            ),
            "gazette_form": GazetteForm(orgs=orgs, prefix="gazette", initial={"year": year}) if orgs else None,
            "own_org_ids": {o.pk for o in orgs},  # where the user keeps the records
            "import_form": import_form(request),
            "import_kinds": importing.KINDS,
            "gazettes": selectors.gazette_issues(own).filter(year__gte=year - 1),
            # The list a supervisor keeps: every account of the bodies it sees.
            "accounts": selectors.new_media_accounts([o.pk for o in bodies]),
            "nav": "openness",
        },
    )


@login_required
@require_POST
def press_record(request: HttpRequest) -> HttpResponse:
    def write(data: dict[str, Any]) -> object:
        return services.press_conference_record(
            actor=request.user, **{**data, "interpretations": data["interpretations"].split()}
        )

    form = PressForm(request.POST, orgs=_orgs(request), prefix="press")
    return _record(request, form, "新闻发布会未记录", "已记录新闻发布会。", write)


@login_required
@require_POST
def training_record(request: HttpRequest) -> HttpResponse:
    form = TrainingForm(request.POST, orgs=_orgs(request), prefix="training")
    return _record(
        request,
        form,
        "培训或会议未记录",
        "已记录培训或会议。",
        lambda d: services.training_record(actor=request.user, **d),
    )


@login_required
@require_POST
def response_record(request: HttpRequest) -> HttpResponse:
    def write(data: dict[str, Any]) -> object:
        return services.response_record(actor=request.user, **{**data, "items": data["items"].split()})

    form = ResponseForm(request.POST, orgs=_orgs(request), prefix="response")
    return _record(request, form, "回应关切未记录", "已记录回应关切。", write)


@login_required
@require_POST
def proposal_record(request: HttpRequest) -> HttpResponse:
    form = ProposalForm(request.POST, orgs=_orgs(request), prefix="proposal")
    return _record(
        request, form, "建议提案未登记", "已登记建议提案。", lambda d: services.proposal_record(actor=request.user, **d)
    )


@login_required
@require_POST
def proposal_reply(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.deputy_proposals(working_org_ids(request.user)).filter(pk=pk).first()
    if proposal is None:
        raise Http404("没有这件建议提案，或您无权登记。")
    form = ReplyForm(request.POST, prefix=f"reply{pk}")
    return _record(
        request,
        form,
        "答复未登记",
        f"已登记{proposal.number}的答复。",
        lambda d: services.proposal_reply(actor=request.user, proposal=proposal, **d),
    )


@login_required
@require_POST
def reading_point_add(request: HttpRequest) -> HttpResponse:
    form = PointForm(request.POST, orgs=_orgs(request), prefix="point")
    return _record(
        request,
        form,
        "查阅点未添加",
        "已添加查阅点，并列入政府信息公开指南。",
        lambda d: services.reading_point_add(actor=request.user, **d),
    )


@login_required
@require_POST
def reading_tally_enter(request: HttpRequest) -> HttpResponse:
    form = ReadingTallyForm(request.POST, org_ids=[o.pk for o in _orgs(request)], prefix="reading")
    return _record(
        request,
        form,
        "接待情况未记录",
        "已记录查阅点接待情况。",
        lambda d: services.reading_tally_enter(actor=request.user, **d),
    )


@login_required
@require_POST
def new_media_add(request: HttpRequest) -> HttpResponse:
    form = AccountForm(request.POST, orgs=_orgs(request), prefix="account")
    return _record(
        request, form, "账号未登记", "已登记政务新媒体账号。", lambda d: services.new_media_add(actor=request.user, **d)
    )


@login_required
@require_POST
def new_media_figures(request: HttpRequest) -> HttpResponse:
    form = AccountFiguresForm(request.POST, org_ids=[o.pk for o in _orgs(request)], prefix="figures")
    return _record(
        request,
        form,
        "月度数据未记录",
        "已记录政务新媒体月度数据。",
        lambda d: services.new_media_figures_enter(actor=request.user, **d),
    )


@login_required
@require_POST
def gazette_record(request: HttpRequest) -> HttpResponse:
    def write(data: dict[str, Any]) -> object:
        return services.gazette_issue_record(actor=request.user, **{**data, "items": data["items"].split()})

    form = GazetteForm(request.POST, orgs=_orgs(request), prefix="gazette")
    return _record(request, form, "政府公报未登记", "已登记政府公报。", write)


@login_required
@require_POST
def record_remove(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    try:
        what = corrections.record_remove(actor=request.user, kind=kind, pk=pk, reason=request.POST.get("reason", ""))
    except ApplicationError as exc:
        messages.error(request, f"未删除：{exc.message}")
    else:
        messages.success(request, f"已删除{what}。")
    return redirect("workbench:openness")


@login_required
@require_POST
def reading_point_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    point = selectors.reading_points(working_org_ids(request.user)).filter(pk=pk).first()
    if point is None:
        raise Http404("没有这个查阅点，或您无权管理。")
    try:
        corrections.reading_point_set_active(actor=request.user, point=point, active=not point.active)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{'关闭' if point.active else '重新开放'}查阅点“{point.name}”。")
    return redirect("workbench:openness")


@login_required
@require_POST
def new_media_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    account = NewMediaAccount.objects.filter(pk=pk, org_id__in=working_org_ids(request.user)).first()
    if account is None:
        raise Http404("没有这个账号，或您无权管理。")
    try:
        corrections.new_media_set_active(actor=request.user, account=account, active=not account.active)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已将“{account.name}”标为{'已关停' if account.active else '在运营'}。")
    return redirect("workbench:openness")
