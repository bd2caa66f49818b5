"""The reply deadline of an application (Art. 30 and 33 of the Regulations), with pauses.

- The clock starts on the day the application was received (Art. 31), or, after a request for
  correction (补正), on the day the corrected application was received: it starts again from zero
  (Art. 30).
- The reply is due on the 20th working day after the start (Art. 33; day 1 is the first working day
  after the start, docs/deadlines.md), plus an extension of at most 20 working days approved by the
  head of the disclosure office (Art. 33).
- The time spent consulting a third party or another body does not count (Art. 33(3), 32, 34): a
  pause runs from the day the consultation letter was sent (that day still counts) to the day the
  opinion came back or the consultation period ended (that day does not count).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from gongkai.calendars.counting import Calendar, DeadlineResult, Pause, count_working_days

__all__ = ["Pause", "reply_due"]

REPLY_WORKING_DAYS = 20
MAX_EXTENSION = 20  # Art. 33(2): "延长的期限最长不得超过20个工作日"
CORRECTION_NOTICE_DAYS = 7  # Art. 30: the request for correction within 7 working days
CONSULTATION_DAYS = 15  # Art. 32, 34: the consulted party answers within 15 working days
FEE_PAYMENT_DAYS = 20  # 国办函〔2020〕109号: pay within 20 working days of the notice


def reply_due(
    start: dt.date, calendar: Calendar, *, pauses: Iterable[Pause] = (), extension: int = 0
) -> DeadlineResult:
    """Art. 33: the 20th working day after ``start``, plus the approved extension, the pauses not
    counted; counted as every period is (``calendars.counting``)."""
    if not 0 <= extension <= MAX_EXTENSION:
        raise ValueError(f"延长答复期限最长不得超过{MAX_EXTENSION}个工作日。")
    pauses = tuple(pauses)
    for pause in pauses:
        if pause.end < pause.begin:
            raise ValueError("征求意见的结束日期不能早于开始日期。")
    return count_working_days(calendar, start, REPLY_WORKING_DAYS, extension=extension, pauses=pauses, label="答复期限")
