"""The numbers a search's speed depends on, in one value passed to the backend.

Apart from the count cap (where counts stop), results never depend on them: every match, page and
ranking is the same whatever they are (the tests run searches with extreme values and compare each
result with query.reference_order). What they change is the plan: which tokens PostgreSQL's GIN is
asked about, how far a walk along the recency index goes before it gives up, when a match set counts
as small enough to sort whole. The defaults were measured at a million items (docs/search.md,
"PostgreSQL"); SQLite's FTS5 walk needs none of them but the count cap.

A deployment may set ``GONGKAI_SEARCH_TUNING`` (a Tuning) in its settings; a caller may pass one to
query.search, indexing.rebuild or backends.backend.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Tuning:
    # Counts stop here (50 pages of 20: enough to browse; beyond, a narrower query serves better),
    # and facets describe the newest this many matches.
    count_cap: int = 1000
    # --- the hot-token list (hot.py), chosen by hot.retune --------------------------------------
    # A token is hot only when at least this share of the sampled items holds it: rarer tokens are
    # cheap for GIN, and a small catalogue then has few hot tokens or none.
    hot_min_share: float = 0.002
    # --- PostgreSQL's plan (backends.PostgresBackend) --------------------------------------------
    # A hot token held by at most this share of the items is asked of GIN with the cold ones (GIN's
    # cost grows with the lists it must skip through, a row read costs more).
    gin_hot_share: float = 0.2
    # A body holding at most this share of the entries is filtered on through its token in GIN
    # (migration 0008), intersected with the terms' lists; a larger one (a province: every entry) is
    # checked on the rows GIN finds, since its list would cost more to read than the rows it rules out.
    gin_org_share: float = 0.2
    # With an organisation filter, tokens expected together on at least this share of the items are
    # checked on the rows of the organisation (its index) rather than asked of GIN.
    org_rows_share: float = 0.2
    # A walk whose set GIN finds through a cold token first reads up to this many matches, in the
    # table's order: fewer, and they are the whole set (sorted, no second query); as many, and the
    # set is large enough for recency windows.
    whole_set_probe: int = 1_000
    # How many rows GIN finds a walk reads at most to tell whether its match set is small, when common
    # tokens are checked on the rows' masks (PostgresBackend._candidates).
    candidate_probe: int = 2_000
    # How many index tuples a walk along search_rank_hot reads before it gives up and GIN is asked (a
    # few milliseconds). A walk expected to need more (PostgresBackend._expected_share) is not tried.
    walk_budget: int = 10_000
    # A count walks only when its tokens are expected common enough to reach the cap within this many
    # tuples (about 15 ms at a million items); otherwise GIN counts, which for tokens of a few percent
    # of the items costs less.
    count_walk_tuples: int = 20_000
    # The largest first recency window a walk asks GIN within (PostgresBackend._walk_index).
    first_window_share: float = 0.05
    # The fewest items a match set is estimated to hold (PostgresBackend._set_size). 0: the estimate
    # alone. Large (tests), and every walk over a large set starts in the narrowest recency window.
    least_set_size: float = 0.0


def configured() -> Tuning:
    """The deployment's tuning (settings.GONGKAI_SEARCH_TUNING), or the defaults when it is None."""
    tuning = getattr(settings, "GONGKAI_SEARCH_TUNING", None)
    if tuning is None:
        return DEFAULT
    if not isinstance(tuning, Tuning):
        raise ImproperlyConfigured("GONGKAI_SEARCH_TUNING must be a gongkai.search.tuning.Tuning or None")
    return tuning


DEFAULT = Tuning()
