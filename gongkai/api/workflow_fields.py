"""The API's request body for workflow steps, built from the steps' declaration (``core.workflow``):
one field per parameter any step of the workflow takes, typed and bounded as declared, plus ``on``
and ``reason``. The schema shows which steps take each field; the service checks each step's own
bounds and rules, so they are stated once."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request

from gongkai.core.errors import ValidationFailed
from gongkai.core.workflow import Param, Transition, Workflow


def _field(param: Param, help_text: str, *, bounds: tuple[int | None, int | None]) -> serializers.Field:
    common: dict[str, Any] = {"required": False, "help_text": help_text}
    if param.kind in ("text", "longtext"):
        return serializers.CharField(allow_blank=True, max_length=param.max_length, **common)
    if param.kind == "int":
        return serializers.IntegerField(allow_null=True, min_value=bounds[0], max_value=bounds[1], **common)
    if param.kind == "date":
        return serializers.DateField(allow_null=True, **common)
    if param.kind == "bool":
        return serializers.BooleanField(**common)
    if param.kind == "choice":
        return serializers.ChoiceField(choices=list(param.flat_choices().items()), allow_blank=True, **common)
    if param.kind == "rows":
        row = type(
            f"{param.name.title()}Row",
            (serializers.Serializer,),
            {key: serializers.CharField(help_text=label, allow_blank=True) for key, label in param.columns},
        )
        return row(many=True, **common)
    raise ValueError(f"no serializer field for a parameter of kind {param.kind!r}")


def action_serializer(name: str, flow: Workflow) -> type[serializers.Serializer]:
    """One serializer for every step of ``flow`` (the schema documents one request body per
    endpoint); an integer's bounds and a text's length are the widest any step declares."""
    fields: dict[str, serializers.Field] = {
        "on": serializers.DateField(required=False, help_text="办理日期，默认今天"),
        "reason": serializers.CharField(required=False, allow_blank=True, help_text="理由（须说明理由的步骤必填）"),
    }
    for param in flow.params():
        declared = [p for t in flow.transitions for p in t.params if p.name == param.name]
        los = [p.lo for p in declared if p.lo is not None]
        his = [p.hi for p in declared if p.hi is not None]
        widest = max(declared, key=lambda p: p.max_length)
        uses = "；".join(f"{p.label}（{a}）" for a, p in _by_step(flow, param.name))
        fields[param.name] = _field(widest, uses, bounds=(min(los) if los else None, max(his) if his else None))
    return type(name, (serializers.Serializer,), fields)


def _by_step(flow: Workflow, name: str) -> list[tuple[str, Param]]:
    return [(t.action, p) for t in flow.by_action.values() for p in t.params if p.name == name]


def step_params(request: Request, serializer: type[serializers.Serializer], step: Transition) -> dict[str, Any]:
    """The parameters of ``step`` from the request body, typed; fields meant for other steps are
    ignored, as a client may send one body for several steps."""
    ser = serializer(data=request.data)
    if not ser.is_valid():
        raise first_error(ser)
    data = ser.validated_data
    wanted = {p.name for p in step.params} | {"on", "reason"}
    return {
        name: [dict(row) for row in value] if isinstance(value, list) else value
        for name, value in data.items()
        if name in wanted
    }


def first_error(ser: serializers.Serializer) -> ValidationFailed:
    field, errors = next(iter(ser.errors.items()))
    message = str(errors[0]) if isinstance(errors, list) and errors else str(errors)
    return ValidationFailed(f"{field}：{message}", code="invalid_input", field=str(field))
