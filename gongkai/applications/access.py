"""The applicant's door to their case: the tracking code and the secret, and what guards them.

- A wrong secret and an unknown code get the same answer and cost the same time (the secret is
  checked against a stand-in hash when the code does not exist), so codes cannot be probed by
  timing.
- Failures are counted per tracking code in the shared cache, whatever address they come from;
  after ``GONGKAI_TRACK_FAILURES_PER_CODE`` of them within a day the code is locked (stored on the
  application, so it survives a restart). The way back goes through the contact the applicant gave:
  a mail with a link that unlocks it, or, without an e-mail address, a call to the handling body,
  whose staff unlock it in the workbench. Locks and unlocks are audit events.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from gongkai.applications import jobs, notify
from gongkai.applications.models import Application
from gongkai.applications.secret_rules import secret_problem
from gongkai.core import audit, ratelimit
from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.types import Actor
from gongkai.orgs import policies

log = logging.getLogger(__name__)
# As for tracking codes: no 0/O, 1/I/L, so a code read out on the phone is not misheard.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
UNLOCK_SALT = "gongkai.applications.unlock"
UNLOCK_MAX_AGE = 14 * 24 * 3600
FAILURE_WINDOW = 24 * 3600


@functools.cache
def _stand_in_hash(hasher: str) -> str:
    # Hashed once per process with the applicants' hasher, so checking against it costs what a real
    # check costs.
    return make_password("gongkai-no-such-application", hasher=hasher)


def normalise_code(tracking_code: str) -> str:
    return (tracking_code or "").strip().upper()[:20]


def verify_applicant(tracking_code: str, secret: str) -> Application:
    """The application whose code and secret these are; ``PermissionDenied`` otherwise."""
    code = normalise_code(tracking_code)
    app = Application.objects.select_related("org").filter(tracking_code=code).first() if code else None
    stored = app.secret_hash if app is not None and app.secret_hash else ""
    matches = check_password(secret or "", stored or _stand_in_hash(settings.GONGKAI_SECRET_HASHER))
    if app is not None and app.track_locked_at is not None:
        raise PermissionDenied(_locked_message(app), code="tracking_locked")
    if app is None or not stored or not matches:
        if app is not None:
            _count_failure(app)
        raise PermissionDenied("查询码或查询密码不正确。", code="bad_credentials")
    cache.delete(ratelimit.key_for("track-code", app.tracking_code, FAILURE_WINDOW))
    return app


def _locked_message(app: Application) -> str:
    if app.email:
        return (
            "该查询码因多次输入错误的查询密码已被锁定。解除锁定的链接已发送到您申请时填写的电子邮箱；"
            f"也可以联系{app.org.name}解除。"
        )
    return f"该查询码因多次输入错误的查询密码已被锁定。请联系{app.org.name}（政府信息公开工作机构）核实身份后解除锁定。"


def _count_failure(app: Application) -> None:
    failures = ratelimit.hit("track-code", app.tracking_code, FAILURE_WINDOW)
    if failures < settings.GONGKAI_TRACK_FAILURES_PER_CODE:
        return
    with transaction.atomic():
        now = timezone.now()
        if not Application.objects.filter(pk=app.pk, track_locked_at__isnull=True).update(track_locked_at=now):
            return  # locked already
        app.track_locked_at = now
        audit.record(
            actor=None, action="application.track_locked", obj=app, after={"failures": failures}, org_id=app.org_id
        )
        if app.email:
            jobs.unlock_link(app)


def unlock_token(app: Application) -> str:
    """The signed link's token; it names the lock it undoes, so it works once."""
    if app.track_locked_at is None:
        raise ValueError("the tracking code is not locked")
    return signing.dumps({"a": app.pk, "t": app.track_locked_at.isoformat()}, salt=UNLOCK_SALT)


def send_unlock_mail(application_id: int) -> None:
    """The job (``jobs.mail_unlock_link``): mail the unlock link while the code is still locked.
    Raises OSError when the server refuses; the job tries again (meanwhile the handling body can
    unlock it too)."""
    app = Application.objects.select_related("org").get(pk=application_id)
    if app.track_locked_at is None or not app.email:
        return
    link = f"{settings.GONGKAI_PUBLIC_URL}/apply/unlock/{unlock_token(app)}/"
    notify.mail_applicant(
        app,
        f"查询码已锁定（{app.tracking_code}）",
        [
            f"您在{app.org.name}的政府信息公开申请（查询码 {app.tracking_code}）因多次输入错误的查询密码已被锁定。",
            f"如果是您本人操作，请打开以下链接解除锁定（{UNLOCK_MAX_AGE // 86400}天内有效）：",
            link,
            "如果不是您本人操作，说明有人在尝试查询您的申请，请勿将查询码告知他人；锁定期间任何人都无法查看。",
        ],
        message_id=f"unlock-{app.pk}-{app.track_locked_at:%Y%m%d%H%M%S%f}",
    )


def _unlock(app: Application, *, actor: Actor | None, how: str) -> None:
    with transaction.atomic():
        Application.objects.filter(pk=app.pk).update(track_locked_at=None)
        app.track_locked_at = None
        audit.record(actor=actor, action="application.track_unlocked", obj=app, after={"by": how}, org_id=app.org_id)
    cache.delete(ratelimit.key_for("track-code", app.tracking_code, FAILURE_WINDOW))


def unlock_with_token(token: str) -> Application:
    """The applicant follows the link mailed to them."""
    try:
        data = signing.loads(token, salt=UNLOCK_SALT, max_age=UNLOCK_MAX_AGE)
    except signing.BadSignature:
        raise ValidationFailed(
            "解除锁定的链接无效或已过期，请联系受理机关解除锁定。", code="unlock_link_invalid"
        ) from None
    app = Application.objects.select_related("org").filter(pk=data.get("a")).first()
    if app is None or app.track_locked_at is None or app.track_locked_at.isoformat() != data.get("t"):
        raise ValidationFailed("该链接已使用或查询码未被锁定。", code="unlock_link_used")
    _unlock(app, actor=None, how="applicant_mail")
    return app


def unlock_by_staff(*, actor: Actor | None, application: Application) -> None:
    """The handling body's staff unlock the code after checking, by phone, that the caller is the applicant."""
    policies.require(actor, "application.handle", application.org)
    if application.track_locked_at is None:
        raise ValidationFailed("该查询码未被锁定。", code="not_locked")
    _unlock(application, actor=actor, how="staff")


# --- a lost secret ------------------------------------------------------------------------------
#
# The way back goes through the contact the applicant gave in the application, as for a lock:
# - by e-mail: whoever types the code and the address on file receives there a link to set a new
#   secret (the answer on the page is the same whether or not they matched, so it reveals nothing);
# - by phone, for an applicant without e-mail: the handling body's staff call the number on file and
#   give a one-time reset code, valid for a few days, which the applicant types with the tracking
#   code to set a new secret. Staff never learn the secret itself.
# A new secret also lifts a lock. Every reset is an audit event.

RESET_SALT = "gongkai.applications.secret_reset"
RESET_MAX_AGE = 24 * 3600
RESET_CODE_DAYS = 3
RESET_CODE_LENGTH = 8


def _reset_token(app: Application) -> str:
    # The token names the secret it replaces, so it works once (and not after another reset).
    return signing.dumps({"a": app.pk, "h": app.secret_hash[-16:]}, salt=RESET_SALT)


def request_secret_reset(tracking_code: str, email: str) -> None:
    """Mail a reset link when the code and the e-mail address match the application; otherwise do
    nothing. The caller says the same either way."""
    code = normalise_code(tracking_code)
    email = (email or "").strip().lower()
    if not code or not email:
        raise ValidationFailed("请填写查询码和申请时填写的电子邮箱。", code="required", field="email")
    app = Application.objects.select_related("org").filter(tracking_code=code).first()
    if app is None or not app.email or app.email.strip().lower() != email:
        return
    jobs.reset_link(app)


def send_reset_mail(application_id: int) -> None:
    """The job (``jobs.mail_reset_link``): mail a link that resets the secret the case has now."""
    app = Application.objects.select_related("org").get(pk=application_id)
    if not app.email:
        return
    link = f"{settings.GONGKAI_PUBLIC_URL}/apply/reset/{_reset_token(app)}/"
    notify.mail_applicant(
        app,
        f"重新设置查询密码（{app.tracking_code}）",
        [
            f"有人为您在{app.org.name}的政府信息公开申请（查询码 {app.tracking_code}）申请重新设置查询密码。",
            f"如果是您本人操作，请在{RESET_MAX_AGE // 3600}小时内打开以下链接设置新的查询密码：",
            link,
            "如果不是您本人操作，请忽略本邮件，您原来的查询密码仍然有效。",
        ],
    )


def application_for_reset_token(token: str) -> Application:
    try:
        data = signing.loads(token, salt=RESET_SALT, max_age=RESET_MAX_AGE)
    except signing.BadSignature:
        raise ValidationFailed("重新设置查询密码的链接无效或已过期，请重新申请。", code="reset_link_invalid") from None
    app = Application.objects.select_related("org").filter(pk=data.get("a")).first()
    if app is None or app.secret_hash[-16:] != data.get("h"):
        raise ValidationFailed("该链接已经使用过，请重新申请。", code="reset_link_used")
    return app


def _set_secret(app: Application, secret: str, *, actor: Actor | None, how: str) -> None:
    problem = secret_problem(secret, id_number=app.id_number, phone=app.phone)
    if problem:
        raise ValidationFailed(f"{problem}查询和补正时需要使用，请牢记。", code="weak_secret", field="secret")
    new_hash = make_password(secret, hasher=settings.GONGKAI_SECRET_HASHER)
    with transaction.atomic():
        Application.objects.filter(pk=app.pk).update(
            secret_hash=new_hash, secret_reset_hash="", secret_reset_until=None, track_locked_at=None
        )
        app.secret_hash, app.track_locked_at = new_hash, None
        audit.record(actor=actor, action="application.secret_reset", obj=app, after={"by": how}, org_id=app.org_id)
    cache.delete(ratelimit.key_for("track-code", app.tracking_code, FAILURE_WINDOW))


def reset_with_token(token: str, secret: str) -> Application:
    app = application_for_reset_token(token)
    _set_secret(app, secret, actor=None, how="applicant_mail")
    return app


def issue_reset_code(*, actor: Actor | None, application: Application) -> str:
    """A one-time code for an applicant who calls, to be read out on the phone number on file."""
    policies.require(actor, "application.handle", application.org)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(RESET_CODE_LENGTH))
    until = timezone.now() + dt.timedelta(days=RESET_CODE_DAYS)
    with transaction.atomic():
        Application.objects.filter(pk=application.pk).update(
            secret_reset_hash=make_password(code, hasher=settings.GONGKAI_SECRET_HASHER), secret_reset_until=until
        )
        audit.record(
            actor=actor,
            action="application.secret_reset_code",
            obj=application,
            after={"valid_until": until.isoformat()},
            org_id=application.org_id,
        )
    return code


def reset_with_code(tracking_code: str, reset_code: str, secret: str) -> Application:
    """The applicant types the code staff read out to them; wrong codes count like wrong secrets."""
    code = normalise_code(tracking_code)
    app = Application.objects.select_related("org").filter(tracking_code=code).first() if code else None
    stored = app.secret_reset_hash if app is not None else ""
    valid = app is not None and app.secret_reset_until is not None and app.secret_reset_until > timezone.now()
    matches = check_password(
        (reset_code or "").strip().upper(), stored or _stand_in_hash(settings.GONGKAI_SECRET_HASHER)
    )
    if app is None or not stored or not valid or not matches:
        if app is not None:
            _count_failure(app)
        raise PermissionDenied("查询码或重置码不正确，或重置码已过期。", code="bad_reset_code")
    _set_secret(app, secret, actor=None, how="staff_code")
    return app
