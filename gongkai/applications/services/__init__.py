"""Writes to applications. Every function checks the policy (staff) or the applicant's proof (public),
validates, writes inside one transaction, recomputes the deadline, issues the letters the step needs
and leaves an audit event. E-mail goes out only after the transaction commits.

The services live in one module per concern, and are called through this package:
``intake`` (online and registered applications), ``handling`` (every change of state: the staff steps,
their preview, the applicant's steps), ``steps`` (one handler per staff step), ``personal`` (reveals),
``appeals`` (Art. 51), ``letter_templates``, and ``common`` (what they share). Today's date, which the
rules compare step dates with, comes from ``applications.clock``.
"""

from gongkai.applications.services.appeals import appeal_decide, appeal_record
from gongkai.applications.services.common import (
    APPLICANT_FIELDS,
    PERSONAL_FIELDS,
    applicant_key,
    new_tracking_code,
    recompute_deadline,
    recompute_provisional,
    snapshot,
)
from gongkai.applications.services.handling import (
    LetterPreview,
    applicant_rate,
    applicant_submit_correction,
    applicant_withdraw,
    preview,
    transition,
)
from gongkai.applications.services.intake import Submitted, clean_applicant, register, submit_online
from gongkai.applications.services.letter_templates import letter_template_save
from gongkai.applications.services.personal import (
    log_applicant_search,
    reveal_file,
    reveal_letter,
    reveal_personal_data,
)

__all__ = [
    "APPLICANT_FIELDS",
    "PERSONAL_FIELDS",
    "LetterPreview",
    "Submitted",
    "appeal_decide",
    "appeal_record",
    "applicant_key",
    "applicant_rate",
    "applicant_submit_correction",
    "applicant_withdraw",
    "clean_applicant",
    "letter_template_save",
    "log_applicant_search",
    "new_tracking_code",
    "preview",
    "recompute_deadline",
    "recompute_provisional",
    "register",
    "reveal_file",
    "reveal_letter",
    "reveal_personal_data",
    "snapshot",
    "submit_online",
    "transition",
]
