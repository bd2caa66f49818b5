"""政民互动 in the workbench: the body's messages (the writer masked until a logged reveal), the
steps of ``interaction.workflow`` as forms built from its table, and the channels a body offers."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongkai.applications.selectors import mask_name, mask_phone
from gongkai.core.errors import ApplicationError, NotFound
from gongkai.interaction import selectors, services, workflow
from gongkai.interaction.models import Channel, Message, MessageBox, MessageState, OfflineChannel
from gongkai.orgs import policies
from gongkai.orgs.models import Organisation
from gongkai.orgs.selectors import bodies_seen_by, org_subtree
from gongkai.workbench.step_forms import raw_params, step_form


def _message(request: HttpRequest, pk: int) -> Message:
    try:
        return selectors.staff_message(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def message_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    today = timezone.localdate()
    bodies = bodies_seen_by(request.user)
    orgs = _tally_orgs(request)
    counts = selectors.counts([o.pk for o in bodies], today.year, today)
    return render(
        request,
        "workbench/messages/list.html",
        {
            "rows": selectors.inbox(request.user, state, today=today),
            "year": today.year,
            "figures": [(o, counts[o.pk]) for o in bodies if counts[o.pk].received],
            "state": state,
            "states": MessageState.choices,
            "can_configure": bool(_configurable(request)),
            "tally_form": TallyForm(orgs=orgs, initial={"year": today.year, "month": today.month}) if orgs else None,
            "tallies": selectors.tallies(request.user, today.year),
            "offline_channels": OfflineChannel.choices,
            "nav": "messages",
        },
    )


def _detail(request: HttpRequest, message: Message, *, revealed: dict[str, str] | None = None) -> HttpResponse:
    steps = [
        t for t in workflow.MESSAGE.steps_from(message.state) if policies.can(request.user, t.permission, message.org)
    ]
    if not message.consent_to_publish or message.published:
        steps = [t for t in steps if t.action != "publish"]
    if not message.published:
        steps = [t for t in steps if t.action != "unpublish"]
    return render(
        request,
        "workbench/messages/detail.html",
        {
            "message": message,
            "writer": mask_name(message.writer_name),
            "phone": mask_phone(message.phone),
            "revealed": revealed,
            "can_reveal": policies.can(request.user, "message.reveal", message.org),
            "step_forms": [step_form(t, record=message) for t in steps],
            "nav": "messages",
        },
    )


@login_required
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _message(request, pk))


@login_required
@require_POST
def message_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    message = _message(request, pk)
    try:
        revealed = services.message_reveal(actor=request.user, message=message)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("workbench:message", pk=message.pk)
    return _detail(request, message, revealed=revealed)


@login_required
@require_POST
def message_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    message = _message(request, pk)
    step = workflow.MESSAGE.step(action, message.state) or workflow.MESSAGE.by_action.get(action)
    if step is None:
        raise Http404("没有这个操作。")
    try:
        services.message_transition(
            actor=request.user, message=message, action=action, **raw_params(step, request.POST)
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{step.label}。")
    return redirect("workbench:message", pk=message.pk)


# --- channels outside the platform: a month's count with its source --------------------------------


class TallyForm(forms.Form):
    org = forms.ModelChoiceField(label="机构", queryset=Organisation.objects.none(), empty_label=None)
    channel = forms.ChoiceField(label="渠道", choices=OfflineChannel.choices)
    year = forms.IntegerField(label="年", min_value=2000, max_value=2100)
    month = forms.IntegerField(label="月", min_value=1, max_value=12)
    count = forms.IntegerField(label="件数", min_value=0, max_value=10_000_000)
    source = forms.CharField(label="数据来源", max_length=200)

    def __init__(self, *args: object, orgs: list[Organisation], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["org"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in orgs])  # type: ignore[attr-defined]


def _tally_orgs(request: HttpRequest) -> list[Organisation]:
    return policies.orgs_where(request.user, "message.reply")


@login_required
@require_POST
def tally_enter(request: HttpRequest) -> HttpResponse:
    form = TallyForm(request.POST, orgs=_tally_orgs(request))
    if not form.is_valid():
        messages.error(request, "请完整填写机构、渠道、年月、件数和数据来源。")
        return redirect("workbench:messages")
    try:
        services.tally_enter(actor=request.user, **form.cleaned_data)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已记录线下渠道件数。")
    return redirect("workbench:messages")


# --- the channels a body offers -------------------------------------------------------------------


class BoxForm(forms.Form):
    enabled = forms.BooleanField(label="开通", required=False)
    reply_working_days = forms.IntegerField(label="答复时限（工作日）", min_value=1, max_value=60, initial=10)
    intro = forms.CharField(label="说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


def _configurable(request: HttpRequest) -> list[Organisation]:
    """The bodies whose channels the user sets: below each office it administers."""
    seen: dict[int, Organisation] = {}
    for top in policies.orgs_overseen(request.user):
        if policies.can(request.user, "interaction.configure", top):
            seen.update((o.pk, o) for o in org_subtree(top))
    return sorted(seen.values(), key=lambda o: o.path)


@login_required
def message_boxes(request: HttpRequest) -> HttpResponse:
    orgs = _configurable(request)
    if not orgs:
        raise Http404("您没有设置互动渠道的权限。")
    slug = request.GET.get("org") or request.POST.get("org") or orgs[0].slug
    org = next((o for o in orgs if o.slug == slug), orgs[0])
    if request.method == "POST":
        channel = request.POST.get("channel", "")
        form = BoxForm(request.POST, prefix=channel)
        if channel in Channel.values and form.is_valid():
            try:
                services.box_configure(
                    actor=request.user,
                    org=org,
                    channel=channel,
                    enabled=form.cleaned_data["enabled"],
                    reply_working_days=form.cleaned_data["reply_working_days"],
                    intro=form.cleaned_data["intro"],
                )
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "已保存。")
        else:
            messages.error(request, "答复时限应为1至60个工作日。")
        return redirect(f"{request.path}?org={org.slug}")
    existing = {b.channel: b for b in MessageBox.objects.filter(org=org)}
    forms_by_channel = []
    for value, label in Channel.choices:
        box = existing.get(value)
        initial = (
            {"enabled": box.enabled, "reply_working_days": box.reply_working_days, "intro": box.intro} if box else {}
        )
        forms_by_channel.append((value, label, BoxForm(prefix=value, initial=initial)))
    return render(
        request,
        "workbench/messages/boxes.html",
        {"orgs": orgs, "org": org, "forms": forms_by_channel, "nav": "messages"},
    )
