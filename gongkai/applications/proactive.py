"""Art. 44: information disclosed on application becomes proactive disclosure.

"多个申请人就相同政府信息向同一行政机关提出公开申请，且该政府信息属于可以公开的，行政机关可以纳入主动
公开的范围。对申请人申请公开的政府信息，申请人认为涉及公众利益调整、需要公众广泛知晓或者需要公众参与
决策的，可以建议行政机关将该信息纳入主动公开的范围。行政机关经审核认为属于主动公开范围的，应当及时主动
公开。"

The clerk marks a case whose reply provided the information (予以公开 or 部分公开); the service
creates a catalogue draft (it then goes through the catalogue's own review and publication, Art. 26's
20 working days counted from the decision) and links the case and the draft both ways. The number
of conversions is counted per body and year (``selectors.proactive_conversions``).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from gongkai.applications.models import Application
from gongkai.catalogue import services as catalogue
from gongkai.catalogue.models import Document, Term, Vocabulary
from gongkai.core import audit
from gongkai.core.errors import IllegalTransition, ValidationFailed
from gongkai.core.types import Actor
from gongkai.orgs import policies

BASES = {"multiple": "多个申请人申请相同信息", "suggested": "申请人建议纳入主动公开"}


@transaction.atomic
def convert(
    *,
    actor: Actor,
    application: Application,
    basis: str,
    title: str,
    topic: str,
    summary: str = "",
    today: dt.date | None = None,
) -> Document:
    app = Application.objects.select_for_update(of=("self",)).select_related("org").get(pk=application.pk)
    policies.require(actor, "application.handle", app.org)
    if basis not in BASES:
        raise ValidationFailed("请选择转为主动公开的依据（第四十四条）。", code="required", field="basis")
    if app.outcome not in ("GRANT", "PARTIAL") or app.replied_on is None:
        raise IllegalTransition("只有已答复予以公开或部分公开的信息，才能转为主动公开。", code="not_disclosed")
    if app.proactive_document_id is not None:
        raise IllegalTransition("该申请的信息已经转为主动公开。", code="already_converted")
    term = Term.objects.filter(vocabulary=Vocabulary.TOPIC, code=topic, is_current=True).first()
    if term is None:
        raise ValidationFailed("请选择主题分类。", code="required", field="topic")
    day = today or timezone.localdate()
    doc = catalogue.document_create(
        actor=actor,
        org=app.org,
        title=(title or "").strip(),
        summary=(summary or "").strip(),
        topic=term,
        # Art. 26 counts from when the information is to be disclosed proactively: the decision.
        formed_date=day,
        body=f"本信息依申请公开后，依照《中华人民共和国政府信息公开条例》第四十四条转为主动公开（{BASES[basis]}）。",
    )
    app.proactive_document = doc
    app.proactive_basis = basis
    app.proactive_marked_on = day
    app.save(update_fields=["proactive_document", "proactive_basis", "proactive_marked_on", "updated_at"])
    audit.record(
        actor=actor,
        action="application.made_proactive",
        obj=app,
        after={"document": doc.pk, "basis": basis},
        org_id=app.org_id,
    )
    return doc
