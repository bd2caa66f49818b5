"""The date an application counts as received (Art. 31 of the Regulations), by channel."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum


class Channel(StrEnum):
    IN_PERSON = "in_person"  # 当面提交 (an oral application is written down by staff: Art. 29)
    MAIL_SIGNED = "mail_signed"  # 邮寄（需签收）
    MAIL_ORDINARY = "mail_ordinary"  # 平常信函
    ONLINE = "online"  # 互联网渠道
    FAX = "fax"  # 传真


CHANNEL_LABELS = {
    Channel.IN_PERSON: "当面提交",
    Channel.MAIL_SIGNED: "邮寄",
    Channel.MAIL_ORDINARY: "平常信函",
    Channel.ONLINE: "互联网渠道",
    Channel.FAX: "传真",
}


def receipt_date(
    channel: Channel,
    *,
    submitted: dt.date | None = None,
    signed_for: dt.date | None = None,
    confirmed: dt.date | None = None,
) -> dt.date:
    """Art. 31: in person, the day it was handed in (第一项); by post, the day the office signed for
    it (第二项); by ordinary letter, without signature, the day the office confirmed it with the
    applicant (第二项); online or by fax, the day both sides confirmed it (第三项)."""
    needed = {
        Channel.IN_PERSON: ("submitted", submitted),
        Channel.MAIL_SIGNED: ("signed_for", signed_for),
        Channel.MAIL_ORDINARY: ("confirmed", confirmed),
        Channel.ONLINE: ("confirmed", confirmed),
        Channel.FAX: ("confirmed", confirmed),
    }[channel]
    if needed[1] is None:
        raise ValueError(f"{CHANNEL_LABELS[channel]}的申请需要{_FIELD_LABELS[needed[0]]}。")
    return needed[1]


_FIELD_LABELS = {"submitted": "提交日期", "signed_for": "签收日期", "confirmed": "确认日期"}
