"""Every role against every action, and the department boundary."""

import pytest

from gongkai.catalogue import selectors
from gongkai.orgs import policies
from tests.conftest import draft

pytestmark = pytest.mark.django_db

WORKFLOW = list(policies.WORKFLOW_ROLES)

# Expected rights at the user's own department (edu) per role.
EXPECTED = {
    "edu_clerk": {
        "document.create",
        "document.edit",
        "document.submit",
        "document.publish",
        "document.revoke",
        "application.register",
        "application.handle",
        "application.reveal",
        "application.reply_files",
        "appeal.record",
        "report.edit",
        "report.publish",
        "message.reply",
        "message.publish",
        "message.reveal",
        "openness.record",
        "finding.respond",
    },
    "edu_reviewer": {
        "document.review",
        "document.reject_review",
        "application.reveal",
        "application.reply_files",
        "report.review",
        "report.reject",
        "message.reveal",
    },
    # The head of the disclosure office approves extensions (Art. 33(2)); the clerk cannot.
    "edu_leader": {
        "document.approve",
        "document.reject_approval",
        "document.publish",
        "document.withdraw",
        "document.revoke",
        # A bulk import enters items as published, without review: the leader starts it.
        "document.import",
        "application.approve_extension",
        "application.reveal",
        "application.reply_files",
        "appeal.record",
        "report.approve",
        "report.publish",
        "report.reject",
        "message.publish",
        "message.reveal",
        "finding.respond",
    },
    "city_supervisor": set(),
    "city_admin": set(),
    "outsider": set(),
}


@pytest.mark.parametrize("username", list(EXPECTED))
@pytest.mark.parametrize("action", WORKFLOW)
def test_workflow_rights_per_role(world, username: str, action: str) -> None:
    user = world.user(username)
    assert policies.can(user, action, world.edu) == (action in EXPECTED[username])


@pytest.mark.parametrize("action", WORKFLOW)
def test_no_workflow_right_in_another_department(world, action: str) -> None:
    for username in ("edu_clerk", "edu_reviewer", "edu_leader"):
        assert not policies.can(world.user(username), action, world.health)
        assert not policies.can(world.user(username), action, world.city)


def test_department_cannot_see_another_departments_drafts(world) -> None:
    edu_draft = draft(world)
    health_draft = draft(world, org=world.health, title="卫生健康草稿")
    assert set(selectors.staff_documents(world.user("edu_clerk"))) == {edu_draft}
    assert set(selectors.staff_documents(world.user("health_reviewer"))) == {health_draft}
    assert not policies.can_read_internal(world.user("edu_clerk"), world.health)


def test_supervisor_reads_everything_below_but_acts_on_nothing(world) -> None:
    docs = {draft(world), draft(world, org=world.health, title="卫生")}
    sup = world.user("city_supervisor")
    assert set(selectors.staff_documents(sup)) == docs
    assert policies.can_read_internal(sup, world.edu)
    assert not policies.can_read_internal(sup, world.province)
    assert not any(policies.can(sup, a, world.edu) for a in WORKFLOW)


def test_admin_manages_subtree_only(world) -> None:
    admin = world.user("city_admin")
    for action in ("org.edit", "membership.manage", "calendar.edit"):
        assert policies.can(admin, action, world.edu)
        assert policies.can(admin, action, world.city)
        assert not policies.can(admin, action, world.province)
    assert not policies.can(world.user("edu_clerk"), "org.edit", world.edu)
    assert not policies.can_edit_national_calendar(admin)


def test_anonymous_has_no_rights(world) -> None:
    from django.contrib.auth.models import AnonymousUser

    anon = AnonymousUser()
    assert not any(policies.can(anon, a, world.edu) for a in WORKFLOW)
    draft(world)
    assert selectors.staff_documents(anon).count() == 0


def test_granting_and_revoking_take_effect_at_once(world) -> None:
    from gongkai.orgs.models import Membership, Role
    from gongkai.orgs.services import membership_grant, membership_revoke

    user = world.user("outsider")
    assert not policies.can(user, "document.create", world.edu)
    membership_grant(actor=world.user("city_admin"), user=user, org=world.edu, role=Role.CLERK)
    assert policies.can(user, "document.create", world.edu)
    membership_revoke(actor=world.user("city_admin"), membership=Membership.objects.get(user=user))
    # Roles are cached on the user object of one request; the next request loads the user afresh.
    from django.contrib.auth import get_user_model

    assert not policies.can(get_user_model().objects.get(pk=user.pk), "document.create", world.edu)


def test_supervision_is_taken_by_an_office_above_the_body_only(world) -> None:
    """督查 (Art. 47): the city's supervisor opens findings and decides rectifications for the bodies
    below the city, not for the city itself; no working role takes them; nobody above reaches sideways."""
    for action in policies.SUPERVISION_ACTIONS:
        assert policies.can(world.user("city_supervisor"), action, world.edu)
        assert policies.can(world.user("city_supervisor"), action, world.health)
        assert not policies.can(world.user("city_supervisor"), action, world.city)
        for username in ("edu_clerk", "edu_reviewer", "edu_leader", "city_admin", "outsider"):
            assert not policies.can(world.user(username), action, world.edu)
