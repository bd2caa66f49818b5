"""信息处理费 under 国办函〔2020〕109号 (Art. 42 of the Regulations).

A body may charge only when an applicant's requests exceed a reasonable number or frequency. Each
application is charged by the case (按件) or by the page (按量), never both (Art. 3 of the measure),
and both scales are progressive (超额累进): only the part above each threshold pays that tier's rate.
"""

from __future__ import annotations

FREE_CASES_PER_MONTH = 10
FREE_PAGES = 30


def case_fee(k: int) -> int:
    """The fee in yuan for an applicant's k-th application in one calendar month (Art. 4): the first
    10 are free; the 11th to 30th cost 100 yuan each; from the 31st, every block of 10 costs 100
    yuan more per case than the one before (31st–40th 200, 41st–50th 300, …)."""
    if k < 1:
        raise ValueError("k counts applications from 1")
    if k <= FREE_CASES_PER_MONTH:
        return 0
    if k <= 30:
        return 100
    return 100 * (2 + (k - 31) // 10)


def page_fee(pages: int) -> int:
    """The fee in yuan for one application by its number of pages (Art. 5): up to 30 pages free; the
    31st to 100th page 10 yuan each; the 101st to 200th 20 yuan each; from the 201st 40 yuan each."""
    if pages < 0:
        raise ValueError("pages cannot be negative")
    return 10 * min(max(pages - 30, 0), 70) + 20 * min(max(pages - 100, 0), 100) + 40 * max(pages - 200, 0)


def fee(*, k_in_month: int, pages: int | None) -> tuple[int, str]:
    """The fee of one application and the scale it was computed on ("case" or "page").

    By the page when the applicant asked for copies (paper, e-mail, copied data) and pages are known;
    otherwise by the case. One scale per application, never both.
    """
    if pages is not None:
        return page_fee(pages), "page"
    return case_fee(k_in_month), "case"
