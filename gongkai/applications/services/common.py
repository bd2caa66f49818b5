"""What the application services share: the fields of an application, its snapshot for the audit
trail, the tracking code and applicant key, the deadline and its recomputation, and issuing a letter."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.db import transaction

from gongkai.applications import deadlines, jobs, letters
from gongkai.applications.models import (
    ApplicantType,
    Application,
    Letter,
    LetterTemplate,
    State,
)
from gongkai.calendars.services import CalendarCache, WorkingCalendar
from gongkai.core import audit

# Alphabet of tracking codes: no 0/O, 1/I/L, so a code read over the phone is not misheard.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

APPLICANT_FIELDS = (
    "applicant_type",
    "applicant_name",
    "id_number",
    "contact_person",
    "phone",
    "email",
    "address",
    "postcode",
    "description",
    "doc_number_hint",
    "delivery_form",
    "delivery_way",
)
# Personal data: kept out of the audit trail's copies (the trail records that it changed, not what to).
PERSONAL_FIELDS = ("applicant_name", "id_number", "contact_person", "phone", "email", "address", "postcode")


def new_tracking_code(year: int) -> str:
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{year}-{body[:4]}-{body[4:]}"


def applicant_key(applicant_type: str, id_number: str) -> str:
    # Natural persons by ID number, organisations by credit code; hashed so the index holds no ID.
    group = "person" if applicant_type == ApplicantType.NATURAL else "org"
    return hashlib.sha256(f"{group}:{id_number.strip().upper()}".encode()).hexdigest()


def snapshot(app: Application) -> dict[str, Any]:
    data: dict[str, Any] = {
        name: getattr(app, name)
        for name in (
            "state",
            "received_on",
            "clock_start",
            "due_date",
            "extension_days",
            "extension_proposed_days",
            "correction_due",
            "correction_received_on",
            "fee_yuan",
            "fee_due",
            "fee_paid_on",
            "reply_type",
            "outcome",
            "replied_on",
            "timeliness",
            "late_working_days",
            "archived_on",
        )
    }
    return data


# --- validation ---------------------------------------------------------------------------------


def pauses_of(app: Application) -> list[deadlines.Pause]:
    # A pause that still runs is assumed to last its whole period; the due date moves back when it
    # ends early, and the explanation says the date is provisional meanwhile.
    if app.pk is None:
        return []
    out = []
    for p in app.pauses.all():
        out.append(deadlines.Pause(begin=p.begin, end=p.end or p.period_due, reason=p.get_kind_display()))
    return out


def recompute_deadline(app: Application, calendar: WorkingCalendar | None = None) -> None:
    """Store the date the office must next act by, with its explanation.

    While a correction is awaited the reply clock does not run (it will start again from zero,
    Art. 30); the date to watch is the end of the correction period. Otherwise it is the reply
    deadline with pauses and the approved extension. A closed case has none.
    """
    app.due_provisional = False
    if not app.is_open:
        app.due_date = None
        return
    if app.state == State.CORRECTION_REQUESTED:
        app.due_date = app.correction_due
        app.due_explanation = {
            "kind": "correction",
            "text": f"已于{letters.cn_date(app.correction_requested_on)}告知补正，"
            f"补正期限至{letters.cn_date(app.correction_due)}；答复期限自收到补正的申请之日起重新计算。",
        }
        return
    # Only the months the deadline can reach are loaded (20 + 20 working days and the pauses fit in
    # 240 days in all but extreme cases, which fall back to the whole calendar).
    cal = calendar or WorkingCalendar(app.org, since=app.clock_start, until=app.clock_start + dt.timedelta(days=240))
    pauses = pauses_of(app)
    try:
        result = deadlines.reply_due(app.clock_start, cal, pauses=pauses, extension=app.extension_days)
    except ValueError:  # a windowed calendar too short for a case with long pauses: load it all
        result = deadlines.reply_due(
            app.clock_start, WorkingCalendar(app.org), pauses=pauses, extension=app.extension_days
        )
    app.due_date = result.due
    app.due_explanation = {"kind": "reply", **result.as_dict()}
    app.due_provisional = result.provisional
    if app.art35_due is not None and app.art35_due > result.due:
        # Art. 35: the longer reasonable period the body set and told the applicant replaces it.
        app.due_date = app.art35_due
        app.due_explanation = {
            **app.due_explanation,
            "kind": "art35",
            "text": f"依第三十五条确定延迟答复的合理期限至{letters.cn_date(app.art35_due)}"
            f"（原答复期限{letters.cn_date(result.due)}）。",
        }


def recompute_provisional() -> int:
    """Deadlines computed while a year's official holiday schedule was missing (spec §9) are
    computed again; run by the nightly scan, so a schedule loaded today corrects them by tomorrow.
    Each date that moves is an audit event. Returns how many moved."""
    moved = 0
    calendars = CalendarCache()
    candidates = Application.objects.filter(is_open=True, due_provisional=True).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            app = Application.objects.select_for_update(of=("self",)).select_related("org").get(pk=pk)
            before = (app.due_date, app.due_explanation)
            recompute_deadline(app, calendars.for_org(app.org))
            if (app.due_date, app.due_explanation) == before:
                continue
            app.save(update_fields=["due_date", "due_explanation", "due_provisional", "updated_at"])
            audit.record(
                actor=None,
                action="application.deadline_recomputed",
                obj=app,
                before={"due_date": before[0]},
                after={"due_date": app.due_date, "provisional": app.due_provisional},
                org_id=app.org_id,
            )
            moved += 1
    return moved


# --- letters ------------------------------------------------------------------------------------


def issue_letter(app: Application, kind: str, *, on: dt.date, **extra: Any) -> Letter:
    template = LetterTemplate.objects.filter(org=app.org, kind=kind).first()
    title, body, to_applicant = letters.compose(kind, app, template.regions if template else {}, **extra)
    n = app.letters.count() + 1
    letter = Letter.objects.create(
        application=app,
        kind=kind,
        number=f"{app.tracking_code}-{n:02d}",
        title=title,
        recipient=extra.get("party") or app.applicant_name,
        body=body,
        issuer=app.org.name,
        issued_on=on,
        to_applicant=to_applicant,
    )
    jobs.after_issue(letter)  # the mail and the rendering are jobs of this step's transaction
    return letter
