"""Mail to a message's writer when the reply is given (issue 21 §6), from a durable job
(``interaction.jobs``) written with the reply, never from the request. The mail says that the body
replied and where to read it; the reply itself is read on the portal with the tracking code and the
password, like an applicant's letters (nothing personal travels by mail)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from gongkai.interaction.models import Message, MessageState


def send_reply_notice(message_id: int) -> bool:
    """Tell the writer once: the message's row is locked while the mail goes out and marked in the
    same transaction. Raises OSError when the server refuses (the job tries again); returns whether
    a mail was sent."""
    with transaction.atomic():
        message = Message.objects.select_for_update(of=("self",)).select_related("org").get(pk=message_id)
        if not message.email or message.state != MessageState.REPLIED or message.reply_mailed_at is not None:
            return False
        lines = [
            f"{message.writer_name}：",
            f"{message.org.name}已于{message.replied_on:%Y年%-m月%-d日}答复您的留言“{message.subject}”"
            f"（查询码 {message.tracking_code}）。",
            f"请凭查询码和查询密码查看答复：{settings.GONGKAI_PUBLIC_URL}/hudong/track/",
            "",
            "本邮件由系统发送，请勿直接回复。",
        ]
        EmailMessage(
            subject=f"【政民互动】您的留言已答复（{message.tracking_code}）",
            body="\n".join(lines),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.email],
            headers={"Message-ID": f"<message-{message.pk}-reply@gongkai>"},
        ).send()
        Message.objects.filter(pk=message.pk).update(reply_mailed_at=timezone.now())
    return True
