"""Issue 17 §6: the audit trail is append-only in fact. Each event's hash chains it to the one before,
and ``audit_verify`` finds the first break; on PostgreSQL TRUNCATE is refused, and the application's
own role may only INSERT and SELECT the table."""

from __future__ import annotations

import itertools
import uuid
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import DatabaseError

from gongkai.core import audit
from gongkai.core.models import AuditEvent
from gongkai.orgs.models import Organisation
from tests.conftest import make_org

pg_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's roles and triggers")


def events(n: int) -> list[AuditEvent]:
    org = make_org("审计测试机关")
    return [
        audit.record(
            actor=None, action="org.updated", obj=org, after={"n": i, "名称": "机关\u00e9", "x": 1.5}, org_id=org.pk
        )
        for i in range(n)
    ]


def as_the_owner_bypassing_triggers(cursor: Any) -> None:
    """What whoever owns the table (or the SQLite file) can do: switch the row trigger off."""
    if connection.vendor == "postgresql":
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks before ALTER
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_no_update")
    else:
        cursor.execute("DROP TRIGGER core_auditevent_no_update")


def verify() -> str:
    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_chain_verifies_and_names_its_head() -> None:
    made = events(5)
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(made))
    report = verify()
    assert "审计日志完好" in report and made[-1].hash in report


@pytest.mark.django_db
def test_a_deleted_event_breaks_the_chain_at_the_next_one() -> None:
    made = events(4)
    with connection.cursor() as cursor:
        as_the_owner_bypassing_triggers(cursor)
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [made[1].pk])
    with pytest.raises(CommandError) as broken:
        verify()
    assert f"#{made[2].pk}" in str(broken.value) and "删除" in str(broken.value)


@pytest.mark.django_db
def test_an_edited_event_is_found() -> None:
    made = events(3)
    with connection.cursor() as cursor:
        as_the_owner_bypassing_triggers(cursor)
        cursor.execute("UPDATE core_auditevent SET reason = 'edited' WHERE id = %s", [made[1].pk])
    with pytest.raises(CommandError) as broken:
        verify()
    assert f"#{made[1].pk}" in str(broken.value) and "改动" in str(broken.value)


@pytest.mark.django_db
def test_updates_are_refused_by_the_database() -> None:
    made = events(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET reason = 'x' WHERE id = %s", [made[0].pk])


@pg_only
@pytest.mark.django_db
def test_truncate_is_refused_on_postgresql() -> None:
    events(1)
    before = AuditEvent.objects.count()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        # The test connections may truncate (the runner's flush); a production connection may not.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL gongkai.audit_truncate = ''")
        cursor.execute("TRUNCATE core_auditevent")
    assert AuditEvent.objects.count() == before > 0


@pg_only
@pytest.mark.django_db(transaction=True)
def test_the_application_role_may_only_insert_and_select_the_audit_table() -> None:
    import psycopg

    role = f"gongkai_app_{uuid.uuid4().hex[:8]}"
    org = make_org("角色测试机关")
    audit.record(actor=None, action="org.updated", obj=org, org_id=org.pk)
    before = AuditEvent.objects.count()
    call_command("db_roles", role, stdout=StringIO())
    settings_dict = connection.settings_dict
    try:
        with psycopg.connect(
            host=settings_dict["HOST"],
            port=settings_dict["PORT"],
            dbname=settings_dict["NAME"],
            user=role,
            autocommit=True,
        ) as app:
            assert app.execute("SELECT count(*) FROM core_auditevent").fetchone()[0] == before
            app.execute(
                "INSERT INTO core_auditevent (created_at, actor_label, action, object_type, object_id, object_label,"
                " before, after, reason, prev_hash, hash) VALUES (now(), 'x', 'x', 'x', '1', '', '{}', '{}', '', '', '')"
            )
            app.execute("UPDATE orgs_organisation SET name = name WHERE id = %s", [org.pk])  # business tables: yes
            for statement in (
                "UPDATE core_auditevent SET reason = 'x'",
                "DELETE FROM core_auditevent",
                "TRUNCATE core_auditevent",
                "ALTER TABLE core_auditevent DISABLE TRIGGER ALL",
                "DROP TRIGGER core_auditevent_no_update ON core_auditevent",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    app.execute(statement)
        assert AuditEvent.objects.count() == before + 1 and Organisation.objects.filter(pk=org.pk).exists()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{role}"; DROP ROLE "{role}"')
