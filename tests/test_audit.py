import pytest
from django.db import DatabaseError, connection, transaction

from gongkai.core.audit import history_for
from gongkai.core.models import AuditEvent
from gongkai.orgs.services import org_update
from tests.conftest import draft

pytestmark = pytest.mark.django_db


def test_every_change_is_recorded_with_before_and_after(world) -> None:
    doc = draft(world)
    from gongkai.catalogue.services import document_update

    document_update(actor=world.user("edu_clerk"), document=doc, title="新名称")
    events = list(history_for(doc))
    assert [e.action for e in events] == ["document.created", "document.updated"]
    assert events[1].before == {"title": "关于做好2026年义务教育招生入学工作的通知"}
    assert events[1].after == {"title": "新名称"}
    assert events[1].actor_label == "edu_clerk"


def test_orm_refuses_update_and_delete(world) -> None:
    event = AuditEvent.objects.first()
    assert event is not None
    event.reason = "tamper"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="x")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


def test_database_refuses_update(world) -> None:
    event = AuditEvent.objects.first()
    assert event is not None
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET reason = 'tamper' WHERE id = %s", [event.pk])
    event.refresh_from_db()
    assert event.reason == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="DELETE trigger exists on PostgreSQL only")
def test_database_refuses_delete_on_postgresql(world) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent")


def test_org_change_is_audited(world) -> None:
    org_update(actor=world.user("city_admin"), org=world.edu, office_phone="0471-1234567")
    event = history_for(world.edu).last()
    assert event is not None and event.action == "org.updated"
    assert event.after == {"office_phone": "0471-1234567"}
