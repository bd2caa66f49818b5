"""The one shape of every workflow (issue 19 §1): applications, catalogue items and annual reports
declare their steps the same way, and one function runs a step.

A workflow is a table of ``Transition`` rows. Each row names the action, the permission checked in
``orgs.policies``, the states it leaves from and the state it reaches, its label, whether a reason
must be written down, the parameters it takes (``Param``: a typed schema whose bounds are the
step's guards on amounts), and the letter or notice it produces. The API's request serializers and
the workbench's forms are built from these rows; nothing else lists a step's parameters.

``run_transition`` is the only code that moves a row from one state to another. The caller takes
the row with ``lock`` inside its transaction (``run_transition`` refuses a row not taken so, since
two clerks acting at once must take their steps one after the other) and passes its own handler,
which checks the guards that depend on the record (dates, what came before) and changes it;
``run_transition`` checks that the step may follow the current state, asks the caller's
``authorise`` (the permission door), cleans the parameters, runs the handler, sets the state and
writes the audit event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models

from gongkai.core import audit
from gongkai.core.errors import IllegalTransition, ValidationFailed
from gongkai.core.numbers import parse_int
from gongkai.core.text import has_control_characters
from gongkai.core.types import Actor

M = TypeVar("M", bound=models.Model)
_LOCKED = "_workflow_locked"

Choices = Sequence[tuple[str, Any]]  # (value, label) or, grouped, (group label, [(value, label), ...])


@dataclass(frozen=True)
class Param:
    """One parameter a step takes. ``kind`` is one of ``text``, ``longtext`` (several lines),
    ``int``, ``date``, ``bool``, ``choice`` and ``rows`` (a list of records with ``columns``).
    ``lo``/``hi`` bound an integer; a value outside them is refused with ``code``."""

    name: str
    label: str
    kind: str = "text"
    required: bool = False
    default: Any = None
    lo: int | None = None
    hi: int | None = None
    code: str = ""
    max_length: int = 2000
    choices: Callable[[], Choices] | None = None
    columns: tuple[tuple[str, str], ...] = ()
    hint: str = ""
    group: str = ""  # the sub-heading a form shows the parameter under
    current: str = ""  # the record's field a form starts from (what was recorded before), if any

    def flat_choices(self) -> dict[str, str]:
        """Every allowed value with its label, groups flattened (a value listed twice kept once)."""
        pairs: dict[str, str] = {}
        for value, label in self.choices() if self.choices else ():
            if isinstance(label, (list, tuple)):
                for v, text in label:
                    pairs.setdefault(str(v), str(text))
            else:
                pairs.setdefault(str(value), str(label))
        return pairs

    def clean(self, raw: Any) -> Any:
        """The typed value of what a form or a request sent, or the default when nothing was sent.
        Refuses, with a message naming the field, anything of the wrong type or out of bounds."""
        empty = raw is None or (isinstance(raw, str) and not raw.strip()) or (self.kind == "rows" and not raw)
        if empty:
            if self.required:
                verb = "请选择" if self.kind == "choice" else "请填写"
                raise ValidationFailed(f"{verb}{self.label}。", code="required", field=self.name)
            return self.default
        cleaner = getattr(self, f"_clean_{self.kind}")
        return cleaner(raw)

    def _clean_text(self, raw: Any, *, multiline: bool = False) -> str:
        if not isinstance(raw, str):
            raise ValidationFailed(f"{self.label}应为文字。", code="invalid_input", field=self.name)
        text = raw.strip()
        if len(text) > self.max_length:
            raise ValidationFailed(f"{self.label}不能超过{self.max_length}个字。", code="too_long", field=self.name)
        if has_control_characters(text, multiline=multiline):
            raise ValidationFailed(
                f"{self.label}含有控制字符或文字方向控制符，请删除后重新填写。",
                code="invalid_characters",
                field=self.name,
            )
        return text

    def _clean_longtext(self, raw: Any) -> str:
        return self._clean_text(raw, multiline=True)

    def _clean_int(self, raw: Any) -> int:
        # Any integer first (its own message for garbage), then the step's bounds with its code.
        number = parse_int(raw, label=self.label, lo=-(10**12), hi=10**12, field=self.name)
        lo = self.lo if self.lo is not None else -(10**12)
        hi = self.hi if self.hi is not None else 10**12
        if not lo <= number <= hi:
            raise ValidationFailed(f"{self.label}应为{lo}至{hi}。", code=self.code or "out_of_range", field=self.name)
        return number

    def _clean_date(self, raw: Any) -> dt.date:
        if isinstance(raw, dt.datetime):
            raw = raw.date()
        if isinstance(raw, dt.date):
            return raw
        try:
            return dt.date.fromisoformat(str(raw).strip())
        except ValueError:
            raise ValidationFailed(
                f"请填写{self.label}（日期，如2026-01-31）。", code="invalid_date", field=self.name
            ) from None

    def _clean_bool(self, raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        return str(raw).strip().lower() in ("1", "true", "on", "yes")

    def _clean_choice(self, raw: Any) -> str:
        value = str(raw).strip()
        if value not in self.flat_choices():
            raise ValidationFailed(f"{self.label}的选项不正确。", code="invalid_choice", field=self.name)
        return value

    def _clean_rows(self, raw: Any) -> list[dict[str, str]]:
        if not isinstance(raw, (list, tuple)):
            raise ValidationFailed(f"{self.label}应为列表。", code="invalid_input", field=self.name)
        rows = []
        for entry in raw:
            if not isinstance(entry, Mapping):
                raise ValidationFailed(f"{self.label}的每一项应包含各栏。", code="invalid_input", field=self.name)
            row = {}
            for key, label in self.columns:
                value = entry.get(key, "")
                cell = Param(self.name, label, max_length=self.max_length)
                row[key] = cell._clean_text("" if value is None else value)
            if any(row.values()):
                rows.append(row)
        return rows


# The date a step is taken on: every step of every workflow accepts it (default today).
ON = Param("on", "办理日期", kind="date")
REASON = Param("reason", "理由", kind="longtext", max_length=2000)


@dataclass(frozen=True)
class Transition:
    """One row of a workflow's table. ``letter`` names what the step issues (a letter kind of the
    applications, empty when it issues nothing); ``confirm`` asks the interfaces to show that letter
    and have it confirmed before the step is taken. ``legend``, ``button`` and ``date_label`` say
    how a form presents the step (its heading, its button, and the date field it shows, if any)."""

    action: str
    permission: str
    sources: tuple[str, ...]
    target: str
    label: str
    needs_reason: bool = False
    params: tuple[Param, ...] = ()
    letter: str = ""
    confirm: bool = False
    legend: str = ""
    button: str = ""
    reason_label: str = "理由"
    date_label: str = ""
    note: str = ""  # a sentence the form shows above its button
    style: str = ""  # "primary" or "danger": how prominent the button is
    public: str = ""  # the step's name where the public follows the record; empty: not shown there

    def clean(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """The step's parameters, typed, from what was sent; a parameter the step does not take
        is refused (a typo must not pass silently)."""
        known = {p.name for p in self.params} | {"on", "reason"}
        unknown = sorted(k for k in raw if k not in known)
        if unknown:
            raise ValidationFailed(f"未知参数：{'、'.join(unknown)}", code="unknown_field")
        return {p.name: p.clean(raw.get(p.name)) for p in self.params}


class Workflow:
    """A table of transitions and what is asked of it."""

    def __init__(
        self,
        name: str,
        noun: str,
        transitions: Iterable[Transition],
        *,
        refusal: str = "“{state}”状态的{noun}不能“{label}”。",
    ) -> None:
        self.name = name  # the prefix of its audit events: "application", "document", "report"
        self.noun = noun  # what the record is called in messages: 申请, 信息, 年报
        self.refusal = refusal  # the message for a step that may not follow the current state
        self.transitions = tuple(transitions)
        self.by_action: dict[str, Transition] = {}
        for t in self.transitions:
            self.by_action.setdefault(t.action, t)

    def step(self, action: str, state: str) -> Transition | None:
        return next((t for t in self.transitions if t.action == action and state in t.sources), None)

    def steps_from(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.sources]

    def label(self, action: str) -> str:
        t = self.by_action.get(action)
        return t.label if t else action

    def params(self) -> list[Param]:
        """Every parameter any step takes, once each (the first declaration describes it)."""
        seen: dict[str, Param] = {}
        for t in self.transitions:
            for p in t.params:
                seen.setdefault(p.name, p)
        return list(seen.values())

    def users_of(self, name: str) -> list[str]:
        return [t.action for t in self.by_action.values() if any(p.name == name for p in t.params)]

    def event_labels(self) -> dict[str, str]:
        return {f"{self.name}.{t.action}": t.label for t in self.transitions}


@dataclass
class Step:
    """What a handler is given: the locked record, the row of the table, who acts, on which day,
    the reason written down and the typed parameters."""

    obj: Any
    transition: Transition
    actor: Actor | None
    on: dt.date
    reason: str
    params: dict[str, Any] = field(default_factory=dict)


def lock(model: type[M], pk: int) -> M:
    """The row a step will change, locked until the caller's transaction ends (with its ``org``,
    which every permission check needs). Only the row is locked, not its body's (``of=self``): a
    lock on the body's row would block every insert that refers to it, and with the audit trail's
    own lock make a deadlock. Django refuses ``select_for_update`` outside a transaction."""
    obj = model._default_manager.select_for_update(of=("self",)).select_related("org").get(pk=pk)
    setattr(obj, _LOCKED, True)
    return obj


def run_transition(
    workflow: Workflow,
    obj: models.Model,
    *,
    action: str,
    actor: Actor | None,
    raw: Mapping[str, Any],
    today: dt.date,
    authorise: Callable[[Transition], None],
    handle: Callable[[Step], None],
    snapshot: Callable[[Any], dict[str, Any]],
    settle: Callable[[Step], None] | None = None,
    event: str = "",
) -> Step:
    """Take one step on a record the caller has locked. Raises a domain error, changing nothing
    the caller's transaction will keep, if the step may not follow the current state, the actor
    may not take it, a parameter is wrong or the handler refuses. ``settle`` runs after the state
    is set and before the save (derived fields: ``is_open``, the deadline)."""
    if not getattr(obj, _LOCKED, False):
        raise RuntimeError(f"{workflow.name}: run_transition needs a row taken with lock()")
    state = getattr(obj, "state")  # noqa: B009 (every workflow's model has a state field)
    step = workflow.step(action, state)
    if step is None:
        shown = obj.get_state_display()  # type: ignore[attr-defined]
        message = workflow.refusal.format(state=shown, noun=workflow.noun, label=workflow.label(action))
        raise IllegalTransition(message, code="illegal_transition")
    authorise(step)
    on = ON.clean(raw.get("on")) or today
    reason = REASON.clean(raw.get("reason")) or ""
    if step.needs_reason and not reason:
        raise ValidationFailed(f"“{step.label}”须说明理由。", code="reason_required", field="reason")
    taken = Step(obj=obj, transition=step, actor=actor, on=on, reason=reason, params=step.clean(raw))
    before = snapshot(obj)
    handle(taken)
    setattr(obj, "state", step.target)  # noqa: B010
    if settle is not None:
        settle(taken)
    obj.save()
    b, a = audit.changed_fields(before, snapshot(obj))
    audit.record(
        actor=actor,
        action=f"{workflow.name}.{event or step.action}",
        obj=obj,
        before=b,
        after=a,
        reason=reason,
        org_id=getattr(obj, "org_id"),  # noqa: B009
    )
    return taken
