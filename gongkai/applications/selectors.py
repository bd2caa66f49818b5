"""Reads of applications for the workbench, the portal and the API.

Lists never carry personal data in full: ``masked`` gives the forms shown in lists; the full
values come only from ``services.reveal_personal_data``, which logs the reveal.

Over 400 lines on purpose: every read of an application that the three interfaces share is here,
so the masking and the permission filter are applied in one place.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Length
from django.utils import timezone

from gongkai.applications import workflow
from gongkai.applications.identity import mask_id_number
from gongkai.applications.models import Application, Letter, ReplyDocument, State, Timeliness
from gongkai.calendars.services import CalendarCache, WorkingCalendar
from gongkai.core import audit
from gongkai.core.errors import NotFound
from gongkai.core.types import Actor
from gongkai.core.workflow import Transition
from gongkai.orgs import policies
from gongkai.orgs.models import Organisation

INBOX_FIELDS = (
    "id",
    "org_id",
    "tracking_code",
    "state",
    "applicant_type",
    "applicant_name",
    "description",
    "received_on",
    "due_date",
    "extension_days",
    "extension_proposed_days",
    "channel",
)


def mask_name(name: str) -> str:
    """张三丰 → 张**; organisations keep their name (it is not personal data)."""
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_phone(phone: str) -> str:
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def masked(app: Application) -> dict[str, str]:
    natural = app.applicant_type == "NAT"
    return {
        "applicant_name": mask_name(app.applicant_name) if natural else app.applicant_name,
        "id_number": mask_id_number(app.id_number) if natural else app.id_number,
        "phone": mask_phone(app.phone),
        "email": (app.email[:1] + "***@" + app.email.split("@", 1)[-1]) if "@" in app.email else "",
        "address": (app.address[:6] + "……") if app.address else "",
        "contact_person": mask_name(app.contact_person),
        "postcode": app.postcode[:2] + "****" if app.postcode else "",
    }


@dataclass(frozen=True)
class InboxRow:
    app: Application
    applicant: str
    due_mark: str  # "overdue" | "due_soon" | ""


def staff_application(user: Actor, pk: int) -> Application:
    app = Application.objects.select_related("org").filter(pk=pk).first()
    if app is None or not policies.can(user, "application.read", app.org):
        raise NotFound("没有找到这件申请，或您无权查看。")
    return app


def steps_open_to(user: Actor, app: Application) -> list[Transition]:
    """The staff steps this user may take on this case now, as the workbench offers them and the API
    lists them: those the table allows from the state and the user's role permits, less the ones the
    case rules out (an extension proposed or granted once, Art. 33(2); the Art. 35 steps in their
    order; a decision over a third party's objection only after one, Art. 32)."""
    steps = [t for t in workflow.transitions_from(app.state) if policies.can(user, t.permission, app.org)]
    hidden = set()
    if app.extension_proposed_days or app.extension_days:
        hidden.add("propose_extension")
    if not app.extension_proposed_days:
        hidden |= {"approve_extension", "decline_extension"}
    if app.art35_asked_on:
        hidden.add("ask_reasons")
    else:
        hidden |= {"record_reasons", "set_longer_period"}
    if app.art35_due:
        hidden.add("set_longer_period")
    if (
        "disclose_over_objection" in {t.action for t in steps}
        and not app.pauses.filter(objected=True, disclosed_over_objection_on__isnull=True).exists()
    ):
        hidden.add("disclose_over_objection")
    return [t for t in steps if t.action not in hidden]


def due_soon_horizon(org: Organisation, today: dt.date) -> dt.date:
    """The last day that counts as "due soon": a few working days ahead. Only those weeks of the
    calendar are loaded (the inbox is the clerks' most used page); the longest run of days off in
    the Chinese calendar is 9 days, so 60 days hold any horizon of up to 20 working days."""
    days = settings.GONGKAI_DUE_SOON_WORKING_DAYS
    calendar = WorkingCalendar(org, since=today, until=today + dt.timedelta(days=60))
    try:
        return calendar.add_working_days(today, days).due
    except ValueError:
        return WorkingCalendar(org).add_working_days(today, days).due


def inbox(
    user: Actor, org: Organisation, *, today: dt.date | None = None, page: int = 1, per_page: int = 30, state: str = ""
) -> tuple[list[InboxRow], int]:
    """One body's open applications, most urgent first (the date the office must next act by),
    with due-soon and overdue marks. Returns the page's rows and the count of open applications."""
    if not policies.can(user, "application.read", org):
        raise NotFound("您无权查看该机关的申请。")
    today = today or timezone.localdate()
    qs = Application.objects.filter(org=org, is_open=True)
    if state in State.values:
        qs = qs.filter(state=state)
    total = qs.count()
    offset = (max(page, 1) - 1) * per_page
    apps = list(qs.order_by("due_date", "id").only(*INBOX_FIELDS)[offset : offset + per_page])
    horizon = due_soon_horizon(org, today)
    rows = []
    for app in apps:
        mark = ""
        if app.due_date is not None and app.due_date < today:
            mark = "overdue"
        elif app.due_date is not None and app.due_date <= horizon:
            mark = "due_soon"
        name = mask_name(app.applicant_name) if app.applicant_type == "NAT" else app.applicant_name
        rows.append(InboxRow(app=app, applicant=name, due_mark=mark))
    return rows, total


@dataclass(frozen=True)
class BodyLoad:
    org: Organisation
    open: int
    due_soon: int
    overdue: int
    # This year's replies by the timeliness recorded at the reply (Art. 33; issue 18 §13).
    on_time: int = 0
    extended: int = 0
    late: int = 0


def oversight_overview(user: Actor, *, today: dt.date | None = None) -> list[BodyLoad]:
    """For a supervisor or an administrator: each body in the subtrees it oversees that has open
    applications or replies this year, with how many are open, due soon and overdue (most overdue
    first), and this year's replies 按时, 延期 and 逾期. Counts only: no personal data leaves the
    handling body this way."""
    roots = policies.orgs_overseen(user)
    if not roots:
        return []
    today = today or timezone.localdate()
    within = Q(pk__in=[])
    for root in roots:
        within |= Q(org__path__startswith=root.path)
    due_by_org: dict[int, list[dt.date | None]] = {}
    for org_id, due in Application.objects.filter(within, is_open=True).values_list("org_id", "due_date"):
        due_by_org.setdefault(org_id, []).append(due)
    replied: dict[int, dict[str, int]] = {}
    year_replies = (
        Application.objects.filter(within, replied_on__year=today.year)
        .exclude(timeliness="")
        .values_list("org_id", "timeliness")
        .order_by()
        .annotate(n=Count("id"))
    )
    for org_id, kind, n in year_replies:
        bucket = replied.setdefault(org_id, {"on_time": 0, "extended": 0, "late": 0})
        bucket["extended" if kind == Timeliness.DELAYED else kind] += n
    calendars = CalendarCache()
    loads = []
    for org in Organisation.objects.filter(pk__in=set(due_by_org) | set(replied)).order_by("path"):
        horizon = calendars.for_org(org).add_working_days(today, settings.GONGKAI_DUE_SOON_WORKING_DAYS).due
        dues = [d for d in due_by_org.get(org.pk, []) if d is not None]
        overdue = sum(1 for d in dues if d < today)
        soon = sum(1 for d in dues if today <= d <= horizon)
        counts = replied.get(org.pk, {})
        loads.append(
            BodyLoad(
                org=org,
                open=len(due_by_org.get(org.pk, [])),
                due_soon=soon,
                overdue=overdue,
                on_time=counts.get("on_time", 0),
                extended=counts.get("extended", 0),
                late=counts.get("late", 0),
            )
        )
    loads.sort(key=lambda load: (-load.overdue, -load.due_soon, load.org.path))
    return loads


def awaiting_head(user: Actor) -> list[Application]:
    """What waits for the head of the disclosure office (Art. 33(2): extensions to approve), at the
    bodies where the user holds that role, oldest proposal first."""
    orgs = policies.orgs_where(user, "application.approve_extension")
    if not orgs:
        return []
    return list(
        Application.objects.filter(org__in=orgs, is_open=True, extension_proposed_days__gt=0)
        .select_related("org")
        .only(*INBOX_FIELDS, "org__name", "org__slug", "extension_reason")
        .order_by("due_date", "id")
    )


def applicant_history(user: Actor, app: Application, limit: int = 50) -> list[Application]:
    """The same applicant's other applications, newest first (Art. 35, 36(6)), to the bodies whose
    applicants' personal data this user may see (their own bodies) and to no other: what a person
    asked another body, perhaps about their own detention, is that body's business alone."""
    own = [org.pk for org in policies.orgs_where(user, "application.reveal")]
    if app.org_id not in own:
        return []
    return list(
        Application.objects.filter(applicant_key=app.applicant_key, org_id__in=own)
        .exclude(pk=app.pk)
        .select_related("org")
        .only("id", "tracking_code", "org__name", "received_on", "description", "state", "outcome", "reply_type")
        .order_by("-received_on", "-id")[:limit]
    )


def similar_applications(app: Application, limit: int = 10) -> list[tuple[Application, float]]:
    """Applications to the same body in the last year whose request reads alike (Art. 36(6):
    a repeated application). Similarity is the Dice coefficient of the descriptions' character pairs."""
    mine = _pairs(app.description)
    if not mine:
        return []
    since = app.received_on - dt.timedelta(days=366)
    candidates = (
        Application.objects.filter(org_id=app.org_id, received_on__gte=since)
        .exclude(pk=app.pk)
        .only("id", "tracking_code", "description", "received_on", "state", "outcome", "applicant_key")
        .order_by("-received_on")[:2000]
    )
    scored = []
    for other in candidates:
        theirs = _pairs(other.description)
        if not theirs:
            continue
        score = 2 * len(mine & theirs) / (len(mine) + len(theirs))
        if score >= 0.5:
            scored.append((other, round(score, 2)))
    scored.sort(key=lambda t: (-t[1], -t[0].pk))
    return scored[:limit]


def _pairs(text: str) -> set[str]:
    chars = [c for c in text if not c.isspace() and c not in "，。、；：“”（）《》,.;:()\"'"]
    return {a + b for a, b in itertools.pairwise(chars)}


def monthly_count(app: Application) -> int:
    """Which application of its applicant to this body this is in its calendar month (国办函〔2020〕109号
    Art. 4: the count is per applicant, per 自然月, and of the applications to the body that charges,
    spec §9), counting those received earlier, and on the same day those registered before it."""
    start = app.received_on.replace(day=1)
    return (
        Application.objects.filter(org_id=app.org_id, applicant_key=app.applicant_key, received_on__gte=start)
        .filter(Q(received_on__lt=app.received_on) | Q(received_on=app.received_on, id__lte=app.pk))
        .count()
    )


def letters_for_applicant(app: Application) -> QuerySet[Letter]:
    return app.letters.filter(to_applicant=True).order_by("created_at", "id")


def reply_documents_for_applicant(app: Application) -> QuerySet[ReplyDocument]:
    """What the reply provided: shown to the applicant only once the reply is issued (before it, the
    clerk may still be choosing)."""
    if app.replied_on is None:
        return ReplyDocument.objects.none()
    return app.reply_documents.select_related("item__org")


# What the applicant is shown of each recorded step: the public name of the step, declared with the
# step in the workflow's table (``Transition.public``), and of the events that are not steps. Steps
# inside the body (reveals, a proposed extension before the head decides, files being chosen) have
# none, and nothing names a third party consulted (Art. 32: their identity may itself be protected).
APPLICANT_STEPS = {
    "application.received": "收到申请",
    **{
        f"application.{t.action}": t.public
        for t in (*workflow.STAFF.transitions, *workflow.APPLICANT.transitions)
        if t.public
    },
    "application.rated": "评价办理情况",
    "application.secret_reset": "重新设置查询密码",
    "application.track_locked": "查询码因多次输错密码被锁定",
    "application.track_unlocked": "查询码解除锁定",
}


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    label: str
    detail: str = ""
    letter: Letter | None = None


def applicant_timeline(app: Application) -> list[TimelineEntry]:
    """The case as the applicant follows it: every step and every letter to them, in order, with
    their own correction shown back to them."""
    steps: list[TimelineEntry] = []
    for event in audit.history_for(app).filter(action__in=list(APPLICANT_STEPS)).order_by("created_at", "id"):
        detail = ""
        if event.action == "application.request_correction":
            detail = f"需要补正的事项：{app.correction_items}"
        elif event.action == "application.receive_correction" and app.correction_text:
            detail = f"补正内容：{app.correction_text}"
        elif event.action == "application.approve_extension" and app.extension_days:
            detail = f"延长{app.extension_days}个工作日"
        elif event.action in ("application.withdraw", "application.rated") and event.reason:
            detail = event.reason
        steps.append(TimelineEntry(event.created_at, APPLICANT_STEPS[event.action], detail))
    # Each letter follows the step that issued it: the last step recorded before it (the receipt is
    # written a moment before the event of the application's arrival, so it follows the first step).
    after: dict[int, list[TimelineEntry]] = {}
    for letter in letters_for_applicant(app):
        index = max((i for i, e in enumerate(steps) if e.at <= letter.created_at), default=0)
        after.setdefault(index, []).append(
            TimelineEntry(letter.created_at, f"出具《{letter.title}》", letter.number, letter)
        )
    entries: list[TimelineEntry] = []
    for i, entry in enumerate(steps):
        entries.append(entry)
        entries.extend(after.pop(i, []))
    for rest in after.values():  # letters of a case with no recorded step (imported records)
        entries.extend(rest)
    return entries


# --- finding any case (issue 18 §3) ---------------------------------------------------------------


@dataclass
class CaseFilters:
    """What the search form asks. Empty values do not filter."""

    org: int | None = None
    code: str = ""
    words: str = ""
    masked_applicant: str = ""  # a value as the lists show it: 王**, 138****8000
    applicant: str = ""  # a full name, ID number or phone: only after a logged reveal (services)
    state: str = ""
    outcome: str = ""
    channel: str = ""
    timeliness: str = ""
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    replied_from: dt.date | None = None
    replied_to: dt.date | None = None


CASE_FIELDS = (*INBOX_FIELDS, "phone", "outcome", "reply_type", "replied_on", "timeliness", "late_working_days")


def _masked_q(value: str) -> Q:
    """The rows whose masked value reads exactly so: the masked name keeps the first character and
    the length, the masked phone the first three and last four digits."""
    value = value.strip()
    phone = re.fullmatch(r"(\d{3})\*+(\d{4})", value)
    if phone:
        return Q(phone__startswith=phone.group(1), phone__endswith=phone.group(2), phone_len=len(value))
    head = value.split("*", 1)[0]
    if "*" not in value:  # an organisation's name is not masked
        return ~Q(applicant_type="NAT") & Q(applicant_name__icontains=value)
    return Q(applicant_type="NAT", applicant_name__startswith=head, name_len=len(value)) | Q(
        contact_person__startswith=head, contact_len=len(value)
    )


def case_search(user: Actor, filters: CaseFilters) -> QuerySet[Application]:
    """Every case of the bodies the user may read, open or closed, filtered. Personal data stays
    on the rows; lists and exports show it masked (``masked``)."""
    qs = Application.objects.filter(policies.internal_orgs_q(user)).select_related("org")
    if filters.org:
        qs = qs.filter(org_id=filters.org)
    if filters.code:
        qs = qs.filter(tracking_code__icontains=filters.code.strip().upper()[:20])
    for word in filters.words.split()[:5]:
        qs = qs.filter(description__icontains=word[:50])
    if filters.masked_applicant:
        qs = qs.annotate(
            name_len=Length("applicant_name"), phone_len=Length("phone"), contact_len=Length("contact_person")
        ).filter(_masked_q(filters.masked_applicant[:40]))
    if filters.applicant:
        # Only at bodies whose staff may see personal data in full (the caller logged the reveal).
        term = filters.applicant.strip()[:60]
        reach = [o.pk for o in policies.orgs_where(user, "application.reveal")]
        qs = qs.filter(org_id__in=reach).filter(
            Q(applicant_name=term) | Q(id_number=term.upper()) | Q(phone=term) | Q(contact_person=term)
        )
    for field in ("state", "outcome", "channel", "timeliness"):
        value = getattr(filters, field)
        if value:
            qs = qs.filter(**{field: value})
    for field, lo, hi in (
        ("received_on", filters.received_from, filters.received_to),
        ("replied_on", filters.replied_from, filters.replied_to),
    ):
        if lo:
            qs = qs.filter(**{f"{field}__gte": lo})
        if hi:
            qs = qs.filter(**{f"{field}__lte": hi})
    return qs.only(*CASE_FIELDS, "org__name", "org__slug", "org__path").order_by("-received_on", "-id")


def proactive_conversions(org: Organisation, year: int) -> int:
    """Art. 44: cases of this body whose information was turned into proactive disclosure in the year."""
    return Application.objects.filter(org=org, proactive_marked_on__year=year).count()


def overdue_open_count(today: dt.date | None = None) -> int:
    """Open applications past their reply deadline, over the whole installation (the operators'
    figure; supervisors see theirs per body)."""
    return Application.objects.filter(is_open=True, due_date__lt=today or timezone.localdate()).count()
