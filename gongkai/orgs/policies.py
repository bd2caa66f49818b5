"""Who may do what, in one place.

Two kinds of reach:
- Working roles (公开专员, 保密审查, 分管领导) act only in the organisation they belong to. A clerk of
  one department therefore never sees or touches another department's drafts, not even a sibling's.
- Oversight roles reach down the tree: a supervisor (a higher office) reads everything below it but
  takes no step in any body's own work; an administrator manages organisations, people and
  calendars in its subtree but takes no step in the publication workflow (separation of duties).
- Supervision itself is the one thing a supervisor does (Art. 47, 52–53): it opens 督查 findings
  against bodies strictly below its office, accepts or returns their rectification, and keeps the
  accountability records; the body's clerk or leader answers a finding.

Every view, service and command asks here; nothing else inspects roles.

A user's memberships are read once per user object (one request) and cached on it; granting or
revoking clears the cache of the object passed to the service.
"""

from __future__ import annotations

from typing import TypeGuard

from django.contrib.auth.models import User
from django.db.models import Q

from gongkai.core.errors import PermissionDenied
from gongkai.core.types import Actor
from gongkai.orgs.models import Membership, Organisation, Role

# Actions taken in the publication workflow, and the working role each needs at the item's own body.
WORKFLOW_ROLES: dict[str, frozenset[str]] = {
    "document.create": frozenset({Role.CLERK}),
    "document.edit": frozenset({Role.CLERK}),
    "document.submit": frozenset({Role.CLERK}),
    # 保密审查: the confidentiality reviewer passes or returns a submitted item.
    "document.review": frozenset({Role.REVIEWER}),
    "document.reject_review": frozenset({Role.REVIEWER}),
    # 分管领导 approves or returns a reviewed item.
    "document.approve": frozenset({Role.LEADER}),
    "document.reject_approval": frozenset({Role.LEADER}),
    "document.publish": frozenset({Role.CLERK, Role.LEADER}),
    "document.withdraw": frozenset({Role.LEADER}),
    "document.revoke": frozenset({Role.CLERK, Role.LEADER}),
    # A bulk import brings in items already public elsewhere and enters them as published, without
    # the review and approval of Art. 17: the 分管领导, who approves publication, starts it.
    "document.import": frozenset({Role.LEADER}),
    # Applications (依申请公开): the 公开专员 registers and handles them; an extension needs the
    # approval of the head of the disclosure office (Art. 33(2)), the 分管领导 role here.
    "application.register": frozenset({Role.CLERK}),
    "application.handle": frozenset({Role.CLERK}),
    "application.approve_extension": frozenset({Role.LEADER}),
    "appeal.record": frozenset({Role.CLERK, Role.LEADER}),
    # Applicants' personal data in full: the handling body's own working staff only, never a
    # supervisor above it; every reveal is logged by the service.
    "application.reveal": frozenset({Role.CLERK, Role.REVIEWER, Role.LEADER}),
    # The files a reply provides are the applicant's and the handling body's (Art. 36): its working
    # staff open them; a supervisor sees that they exist, not what they hold.
    "application.reply_files": frozenset({Role.CLERK, Role.REVIEWER, Role.LEADER}),
    # 政民互动: the clerk answers the public's messages and publishes a reply the writer agreed to
    # publish; the writer's contact details are the body's working staff's only (every reveal logged).
    "message.reply": frozenset({Role.CLERK}),
    "message.publish": frozenset({Role.CLERK, Role.LEADER}),
    "message.reveal": frozenset({Role.CLERK, Role.REVIEWER, Role.LEADER}),
    # The other openness records (新闻发布会, 培训和会议): kept by the body's 公开专员.
    "openness.record": frozenset({Role.CLERK}),
    # 督查 (Art. 47): the body's clerk or leader reports its rectification of a finding.
    "finding.respond": frozenset({Role.CLERK, Role.LEADER}),
    # Annual reports (Art. 49–50): the clerk compiles, the reviewer checks, the leader approves.
    "report.edit": frozenset({Role.CLERK}),
    "report.review": frozenset({Role.REVIEWER}),
    "report.approve": frozenset({Role.LEADER}),
    "report.publish": frozenset({Role.CLERK, Role.LEADER}),
    "report.reject": frozenset({Role.REVIEWER, Role.LEADER}),
}

WORKING_ROLES = frozenset({Role.CLERK, Role.REVIEWER, Role.LEADER})
OVERSIGHT_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})

ACTION_LABELS = {
    "document.create": "新建信息",
    "document.edit": "修改草稿",
    "document.submit": "提交审核",
    "document.review": "保密审查",
    "document.reject_review": "保密审查退回",
    "document.approve": "领导审批",
    "document.reject_approval": "审批退回",
    "document.publish": "发布",
    "document.withdraw": "撤回",
    "document.revoke": "废止",
    "document.import": "批量导入已公开的信息",
    "application.register": "登记政府信息公开申请",
    "application.handle": "办理政府信息公开申请",
    "application.approve_extension": "批准延期答复",
    "appeal.record": "登记行政复议、行政诉讼",
    "application.reveal": "查看申请人个人信息",
    "application.reply_files": "查看答复提供的文件",
    "letters.edit": "编辑文书模板",
    "report.edit": "编制年度报告",
    "report.review": "审核年度报告",
    "report.approve": "批准年度报告",
    "report.publish": "发布年度报告",
    "report.reject": "退回年度报告",
    "org.edit": "修改机构信息",
    "calendar.edit": "维护工作日历",
    "membership.manage": "管理人员角色",
    "message.reply": "答复留言",
    "message.publish": "公开留言及答复",
    "message.reveal": "查看留言人联系方式",
    "interaction.configure": "设置互动渠道",
    "openness.record": "记录政务公开工作（发布会、培训、公报、新媒体等）",
    "finding.respond": "报送整改情况",
    "finding.open": "下发督查问题",
    "finding.decide": "审核整改情况",
    "accountability.record": "登记责任追究",
    "assessment.manage": "制定考核方案和评分",
    "evaluation.record": "录入社会评议",
    "report.audit": "审核下级机关年度报告",
}

# Supervision's own acts: taken by a supervisor of an office above the body (never at its own body).
SUPERVISION_ACTIONS = frozenset(
    {"finding.open", "finding.decide", "accountability.record", "evaluation.record", "report.audit"}
)


def _is_authenticated(user: Actor | None) -> TypeGuard[User]:
    return isinstance(user, User) and user.is_authenticated and user.is_active


def _memberships(user: Actor | None) -> list[Membership]:
    if not _is_authenticated(user):
        return []
    # Cached on the user object for the request: one query however many decisions a page makes.
    cache: list[Membership] | None = getattr(user, "_gongkai_memberships", None)
    if cache is None:
        cache = list(Membership.objects.filter(user=user).select_related("org"))
        setattr(user, "_gongkai_memberships", cache)  # noqa: B010 (no such attribute on the model)
    return cache


def memberships_of(user: Actor | None) -> list[Membership]:
    """The user's roles, each at its body (to show them; decisions go through ``can``)."""
    return list(_memberships(user))


def org_held(user: Actor | None, slug: str) -> Organisation | None:
    """The body with this slug, if the user holds a role there (a form names a body by its slug)."""
    return next((m.org for m in _memberships(user) if m.org.slug == slug), None)


def to_remind(org_ids: list[int], action: str) -> dict[int, list[str]]:
    """Who is reminded of work at these bodies: the e-mail addresses of the active users whose role
    there takes the action (e.g. the clerks, for applications falling due), by body."""
    roles = WORKFLOW_ROLES[action]
    rows = (
        Membership.objects.filter(org_id__in=org_ids, role__in=roles, user__is_active=True)
        .exclude(Q(user__email="") | Q(user__email__isnull=True))
        .values_list("org_id", "user__email")
    )
    out: dict[int, list[str]] = {}
    for org_id, email in rows:
        out.setdefault(org_id, []).append(email)
    return {org_id: sorted(set(emails)) for org_id, emails in out.items()}


def forget_cached_roles(user: User) -> None:
    if hasattr(user, "_gongkai_memberships"):
        delattr(user, "_gongkai_memberships")


def roles_at(user: Actor | None, org: Organisation) -> set[str]:
    """Working roles held at exactly this body."""
    return {m.role for m in _memberships(user) if m.org_id == org.pk}


def _reaches(m: Membership, org: Organisation) -> bool:
    return org.path.startswith(m.org.path)


def can(user: Actor | None, action: str, org: Organisation) -> bool:
    if action in WORKFLOW_ROLES:
        return bool(roles_at(user, org) & WORKFLOW_ROLES[action])
    if action in {"org.edit", "membership.manage", "calendar.edit", "letters.edit", "interaction.configure"}:
        if _is_authenticated(user) and user.is_superuser:
            return True
        return any(m.role == Role.ADMIN and _reaches(m, org) for m in _memberships(user))
    if action == "assessment.manage":
        # 考核 (Art. 47): the office's own supervisors define its scheme and score the bodies below.
        return any(m.role == Role.SUPERVISOR and m.org_id == org.pk for m in _memberships(user))
    if action in SUPERVISION_ACTIONS:
        return any(m.role == Role.SUPERVISOR and _reaches(m, org) and m.org_id != org.pk for m in _memberships(user))
    if action in {"document.view_internal", "application.read"}:
        return can_read_internal(user, org)
    raise ValueError(f"Unknown action {action!r}")


def require(user: Actor | None, action: str, org: Organisation) -> User:
    """Refuse unless the user may take the action at the body; return the user as the account a
    record names (the check leaves only a signed-in user)."""
    if not can(user, action, org) or not isinstance(user, User):
        label = ACTION_LABELS.get(action, action)
        raise PermissionDenied(f"您在“{org.name}”没有“{label}”的权限。", code="permission_denied")
    return user


def can_edit_national_calendar(user: Actor | None) -> bool:
    return can_edit_national_lists(user)


def can_edit_national_lists(user: Actor | None) -> bool:
    """Data every body shares (the national calendar, the list of key areas): an administrator at
    the root of the tree, or a superuser."""
    if not _is_authenticated(user):
        return False
    return bool(user.is_superuser) or any(m.role == Role.ADMIN and m.org.depth == 0 for m in _memberships(user))


def can_read_internal(user: Actor | None, org: Organisation) -> bool:
    """Drafts and the history of an item: its own staff, and oversight roles above it."""
    if _is_authenticated(user) and user.is_superuser:
        return True
    for m in _memberships(user):
        if m.role in WORKING_ROLES and m.org_id == org.pk:
            return True
        if m.role in OVERSIGHT_ROLES and _reaches(m, org):
            return True
    return False


def internal_orgs_q(user: Actor | None, field: str = "org") -> Q:
    """A filter selecting rows whose organisation the user may read internally.

    ``field`` names the foreign key to Organisation on the filtered model.
    """
    if _is_authenticated(user) and user.is_superuser:
        return Q()
    q = Q(pk__in=[])
    for m in _memberships(user):
        if m.role in WORKING_ROLES:
            q |= Q(**{f"{field}_id": m.org_id})
        elif m.role in OVERSIGHT_ROLES:
            q |= Q(**{f"{field}__path__startswith": m.org.path})
    return q


def orgs_readable(user: Actor | None) -> list[Organisation]:
    """Every body whose internal records (drafts, applications) the user may read: the bodies it
    works at and every body below one it oversees."""
    if not _is_authenticated(user):
        return []
    if user.is_superuser:
        return list(Organisation.objects.order_by("path"))
    q = Q(pk__in=[])
    for m in _memberships(user):
        if m.role in WORKING_ROLES:
            q |= Q(pk=m.org_id)
        elif m.role in OVERSIGHT_ROLES:
            q |= Q(path__startswith=m.org.path)
    return list(Organisation.objects.filter(q).order_by("path"))


def orgs_where(user: Actor | None, action: str) -> list[Organisation]:
    """The bodies where the user may take this workflow action (e.g. to offer in a form)."""
    roles = WORKFLOW_ROLES[action]
    seen: dict[int, Organisation] = {}
    for m in _memberships(user):
        if m.role in roles:
            seen[m.org_id] = m.org
    return sorted(seen.values(), key=lambda o: o.path)


def orgs_overseen(user: Actor | None) -> list[Organisation]:
    """The tops of the subtrees the user oversees (监督, 管理员): it reads everything below each,
    masked, and acts on none of it."""
    seen = {m.org_id: m.org for m in _memberships(user) if m.role in OVERSIGHT_ROLES}
    return sorted(seen.values(), key=lambda o: o.path)


def offices_supervised(user: Actor | None) -> list[Organisation]:
    """The offices from which the user supervises (督查, 责任追究): where it holds the supervisor role."""
    seen = {m.org_id: m.org for m in _memberships(user) if m.role == Role.SUPERVISOR}
    return sorted(seen.values(), key=lambda o: o.path)


def orgs_of(user: Actor | None) -> list[Organisation]:
    """The bodies the user holds any role at (the choices a page offers it first)."""
    seen = {m.org_id: m.org for m in _memberships(user)}
    return sorted(seen.values(), key=lambda o: o.path)


def orgs_administered(user: Actor | None) -> list[Organisation]:
    """The bodies whose settings (letter templates, …) the user administers: those an 管理员 role
    reaches, i.e. its body and everything below."""
    if not _is_authenticated(user):
        return []
    if user.is_superuser:
        return list(Organisation.objects.order_by("path"))
    prefixes = [m.org.path for m in _memberships(user) if m.role == Role.ADMIN]
    if not prefixes:
        return []
    q = Q(pk__in=[])
    for prefix in prefixes:
        q |= Q(path__startswith=prefix)
    return list(Organisation.objects.filter(q).order_by("path"))


def is_staff_user(user: Actor | None) -> bool:
    return _is_authenticated(user) and (bool(user.is_superuser) or bool(_memberships(user)))
