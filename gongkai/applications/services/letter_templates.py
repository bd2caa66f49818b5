"""The fill-in regions of an organisation's letters, edited by its administrators; the legal wording
stays locked in ``letters``."""

from __future__ import annotations

from django.db import transaction

from gongkai.applications import letters
from gongkai.applications.models import (
    LetterKind,
    LetterTemplate,
)
from gongkai.core import audit
from gongkai.core.errors import ValidationFailed
from gongkai.core.types import Actor
from gongkai.orgs import policies
from gongkai.orgs.models import Organisation

# --- letter templates ---------------------------------------------------------------------------


@transaction.atomic
def letter_template_save(*, actor: Actor, org: Organisation, kind: str, regions: dict[str, str]) -> LetterTemplate:
    policies.require(actor, "letters.edit", org)
    if kind not in LetterKind.values:
        raise ValidationFailed("文书类型不正确。", code="invalid_choice", field="kind")
    cleaned: dict[str, str] = {}
    for name, text in regions.items():
        text = (text or "").strip()
        problem = letters.region_problem(name, text)
        if problem:
            raise ValidationFailed(problem, code="invalid_region", field=name)
        cleaned[name] = text
    template, _ = LetterTemplate.objects.get_or_create(org=org, kind=kind)
    before = dict(template.regions)
    template.regions = {**template.regions, **cleaned}
    template.save()
    audit.record(
        actor=actor, action="letters.template_saved", obj=template, before=before, after=template.regions, org_id=org.pk
    )
    return template
