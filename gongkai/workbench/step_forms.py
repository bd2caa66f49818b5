"""The workbench's forms for workflow steps, built from the step's declaration (``core.workflow``):
one field per parameter, the reason when the step needs one, and the date when the step shows it.
The forms only render and carry what the clerk typed; the service cleans and checks it, so a rule
lives in one place. ``raw_params`` reads a submitted form back into what the service takes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.http import QueryDict

from gongkai.core.workflow import ON, REASON, Param, Transition

ROWS_SHOWN = 3  # empty rows a list parameter (the withheld items of Art. 37) offers


def _field(param: Param, *, label: str = "") -> forms.Field:
    label = label or param.label
    required = param.required
    if param.kind in ("text", "longtext"):
        widget: forms.Widget = (
            forms.Textarea(attrs={"rows": 2, "cols": 60})
            if param.kind == "longtext"
            else forms.TextInput(attrs={"size": 60})
        )
        if param.hint:
            widget.attrs["placeholder"] = param.hint
        return forms.CharField(label=label, required=required, max_length=param.max_length, widget=widget)
    if param.kind == "int":
        return forms.IntegerField(
            label=label, required=required, min_value=param.lo, max_value=param.hi, initial=param.default
        )
    if param.kind == "date":
        return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))
    if param.kind == "bool":
        return forms.BooleanField(label=label, required=False, widget=forms.CheckboxInput(attrs={"value": "1"}))
    if param.kind == "choice":
        choices = list(param.choices()) if param.choices else []
        if not param.default:
            choices.insert(0, ("", param.hint or "请选择"))
        return forms.ChoiceField(label=label, required=required, choices=choices, initial=param.default)
    raise ValueError(f"no form field for a parameter of kind {param.kind!r}")


@dataclass
class Rows:
    """A list parameter shown as a few rows of inputs, one input per column."""

    param: Param
    values: list[dict[str, str]]

    @property
    def rows(self) -> list[list[tuple[str, str, str]]]:
        """Each row: (input name, column label, value) per column; what was typed, then empty rows."""
        filled = self.values + [{}] * max(ROWS_SHOWN - len(self.values), 0)
        columns = self.param.columns
        return [[(f"{self.param.name}_{key}", label, row.get(key, "")) for key, label in columns] for row in filled]


@dataclass
class Group:
    legend: str
    fields: list[BoundField | Rows] = field(default_factory=list)


@dataclass
class StepForm:
    transition: Transition
    groups: list[Group]
    error: str = ""

    @property
    def action(self) -> str:
        return self.transition.action

    @property
    def button(self) -> str:
        return self.transition.button or self.transition.label


def step_form(step: Transition, data: QueryDict | None = None, *, error: str = "", record: object = None) -> StepForm:
    """The form of one step: holding what was submitted (shown again after an error), or starting
    from what the record already holds for the parameters that say so (``Param.current``)."""
    fields: dict[str, forms.Field] = {p.name: _field(p) for p in step.params if p.kind != "rows"}
    initial = {p.name: getattr(record, p.current) for p in step.params if p.current and record is not None}
    if step.date_label:
        fields["on"] = _field(ON, label=step.date_label)
    if step.needs_reason:
        fields["reason"] = _field(Param(REASON.name, step.reason_label, kind="longtext", required=True))
    form = type(f"{step.action}_form", (forms.Form,), dict(fields))(data, auto_id=f"{step.action}-%s", initial=initial)
    groups: list[Group] = [Group("")]
    for p in step.params:
        if p.group and p.group != groups[-1].legend:
            groups.append(Group(p.group))
        target = groups[-1] if p.group else groups[0]
        if p.kind == "rows":
            target.fields.append(Rows(p, rows_of(p, data) if data is not None else []))
        else:
            target.fields.append(form[p.name])
    for name in ("on", "reason"):
        if name in fields:
            groups[0].fields.append(form[name])
    return StepForm(step, [g for g in groups if g.fields or not g.legend], error)


def rows_of(param: Param, data: QueryDict) -> list[dict[str, str]]:
    columns = [data.getlist(f"{param.name}_{key}") for key, _ in param.columns]
    return [
        {key: values[i] if i < len(values) else "" for (key, _), values in zip(param.columns, columns, strict=True)}
        for i in range(max((len(c) for c in columns), default=0))
    ]


def raw_params(step: Transition, data: QueryDict) -> dict[str, Any]:
    """What the form sent, as the service takes it: every parameter the step declares, the date and
    the reason. Values stay as typed; the service checks them."""
    raw: dict[str, Any] = {}
    for p in step.params:
        if p.kind == "rows":
            raw[p.name] = rows_of(p, data)
        elif p.kind == "bool":
            raw[p.name] = data.get(p.name) == "1"
        else:
            raw[p.name] = data.get(p.name, "")
    raw["on"] = data.get("on", "")
    raw["reason"] = data.get("reason", "")
    return raw
