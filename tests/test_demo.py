import pytest

from gongkai.catalogue import interpretation
from gongkai.catalogue.models import Document, DocumentState, Validity
from gongkai.demo.data import load_demo
from gongkai.orgs.models import Membership, Organisation, OrgKind, Role

pytestmark = pytest.mark.django_db


def test_demo_data_covers_every_state_and_role() -> None:
    result = load_demo()
    assert result["documents"] >= 200
    root = Organisation.objects.get(slug="nmg")
    assert root.kind == OrgKind.PROVINCE and root.parent is None
    hhht = Organisation.objects.get(slug="hhht")
    assert hhht.parent == root and hhht.children.filter(kind=OrgKind.DEPARTMENT).count() >= 12
    assert Organisation.objects.get(name="满洲里市人民政府").parent == root
    assert {OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY, OrgKind.TOWNSHIP, OrgKind.DEPARTMENT} <= set(
        Organisation.objects.values_list("kind", flat=True)
    )
    assert set(Document.objects.values_list("state", flat=True)) == set(DocumentState.values)
    assert Document.objects.filter(validity=Validity.REPEALED, state=DocumentState.PUBLISHED).exists()
    assert Document.objects.filter(published_late=True).exists()
    assert Document.objects.exclude(last_rejection_reason="").filter(state=DocumentState.DRAFT).exists()
    assert Document.objects.values("topic__parent").distinct().count() >= 10
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    # 政策解读: a 规范性文件 with two interpretations, and one still waiting for its interpretation.
    jyj = Organisation.objects.get(slug="hhht-jyj")
    year = Document.objects.get(doc_number="呼教规〔2026〕1号").published_date.year
    figures = interpretation.figures_by_body([jyj], year)
    assert (figures[0].policies, figures[0].interpreted, figures[0].synchronous) == (2, 1, 1)
    assert Document.objects.filter(interprets__isnull=False, interpretation_form="graphic").count() == 1
    # 政民互动: 领导信箱 and 咨询 with messages in every state but dismissed, one published.
    from gongkai.interaction.models import Message

    assert set(Message.objects.values_list("state", flat=True)) == {"received", "replied", "converted"}
    assert Message.objects.filter(published=True).count() == 1
    from gongkai.openness.models import PressConference, TrainingSession

    assert PressConference.objects.get().interpretations.count() == 1
    assert set(TrainingSession.objects.values_list("kind", flat=True)) == {"training", "meeting"}
    # Every other record type of issue 21 is in use at the education bureau.
    from gongkai.catalogue.models import IssuedDocument, KeyColumn
    from gongkai.catalogue.selectors import key_columns
    from gongkai.interaction.models import OfflineTally
    from gongkai.openness import models as o

    for model in (
        o.ConcernResponse,
        o.DeputyProposal,
        o.ReadingPoint,
        o.ReadingTally,
        o.NewMediaAccount,
        o.NewMediaFigures,
        o.GazetteIssue,
        OfflineTally,
        IssuedDocument,
        KeyColumn,
    ):
        assert model.objects.exists(), model.__name__
    assert set(IssuedDocument.objects.values_list("attribute", flat=True)) == {
        "proactive",
        "on_application",
        "withheld",
    }
    assert IssuedDocument.objects.exclude(switched_on=None).count() == 1
    from django.utils import timezone

    assert any(s.stale_on(timezone.localdate()) for s in key_columns([jyj.pk]))  # one column shows as overdue
    assert o.DeputyProposal.objects.exclude(replied_on=None).count() == 1
    from gongkai.supervision.models import Finding

    assert Finding.objects.get().state == "responded"  # the city's finding awaits its decision
    assert load_demo() == {}  # a second run changes nothing
