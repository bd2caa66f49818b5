"""Hot tokens (PostgreSQL): the index's most common tokens, one bit each in a mask kept with every
entry and carried by the covering index ``search_rank_hot`` (docs/search.md, "PostgreSQL").

Why. GIN hands back an unordered set, and building the set of a token that half the catalogue holds
costs a hundred milliseconds at a million items; walking the recency index newest first instead has
to check each row's token array, a long TOASTed value. With the mask in the index, a walk checks
the common tokens of a query on the index tuple alone, and GIN is asked only about the rare ones.

The list is chosen from the catalogue itself (a sample of its items), so it fits what is published:
``retune`` makes a new version, ``search_rebuild`` re-derives every entry with it. Each entry records
the version its mask was computed with; a search uses masks only when every entry has the current
version (``usable``), so a rebuild in progress or an interrupted one makes searches slower, never
wrong.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction

from gongkai.search.db import reader
from gongkai.search.normalise import ngrams
from gongkai.search.tuning import Tuning, configured

# 4,000 bits: 508 bytes with the header, just under the size (512) above which a btree compresses
# a value in its tuple; then each bit a walk tests is read in place (get_bit), with no decompression.
HOT_BITS = 4000
SAMPLE_SIZE = 20_000
# Recency windows (shares of the items, newest first) in which GIN is asked first for a walk over a
# large set of rare tokens: the rows to fetch and sort are then those of the window only.
WINDOW_SHARES = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5)
# The newest items have a GIN index of their own (pg_indexes.RECENT_INDEX): from the rank key of the
# newest tenth, as the list's windows have it, so that the list and the index agree on where it
# begins. Items published later are above that key and join it.
RECENT_SHARE = 0.1


@dataclass(frozen=True)
class Hot:
    version: int
    bits: dict[str, int]  # token (index token or n-gram) → bit, most common first
    shares: dict[str, float] = field(default_factory=dict)  # token → share of the sampled items
    windows: tuple[tuple[float, int], ...] = ()  # (share of the items, rank key of the newest that many)

    def window(self, share: float) -> int | None:
        """The rank key above which at least ``share`` of the items lie; None: every item."""
        for window_share, key in self.windows:
            if window_share >= share:
                return key
        return None

    @property
    def recent_key(self) -> int | None:
        """The rank key from which pg_indexes.RECENT_INDEX holds the entries: of the newest
        RECENT_SHARE of the sampled items (None: no sample)."""
        return self.window(RECENT_SHARE)


def literal(mask: int) -> str:
    """The mask as PostgreSQL's bit-string input in hexadecimal (cast with ::bit(HOT_BITS))."""
    return "x" + format(mask, f"0{HOT_BITS // 4}x")


def is_ngram(token: str) -> bool:
    """A hot n-gram rather than an index token (those are 1–2 characters, or start with "_").

    Besides the index's tokens, runs of 3 and 4 letters, digits or ideographs of the text
    (normalise.ngrams) can be hot: a common word such as 人民政府 or 第四条 is then answered by its
    bit alone, where its pairs would only give candidates to confirm on the row's text (reading a
    long value: tens of microseconds a row)."""
    return len(token) >= 3 and not token.startswith("_")


_cache: dict[str, Hot] = {}


def current() -> Hot | None:
    """The newest list, or None when there is none (a new catalogue: every token goes to GIN)."""
    from gongkai.search.models import HotList

    latest = HotList.objects.order_by("-version").values_list("version", "created_at").first()
    return None if latest is None else _load(*latest)


def _load(version: int, created: object) -> Hot:
    from gongkai.search.models import HotList

    # The creation time too: a version number can come back after a rollback (tests do that).
    key = f"{connection.settings_dict['NAME']}:{version}:{created}"
    if key not in _cache:
        row = HotList.objects.get(version=version)
        tokens = row.tokens
        _cache[key] = Hot(
            version,
            {t: i for i, t in enumerate(tokens)},
            dict(zip(tokens, row.shares, strict=True)),
            tuple(zip(WINDOW_SHARES, row.recency, strict=False)),
        )
    return _cache[key]


def usable() -> Hot | None:
    """The newest list if every entry's mask was computed with it; otherwise None. One statement
    (every search asks): the newest version, the lowest and highest of the entries' and whether one
    has none, each read at an end of the index on hot_version. (Comparing the entries' versions
    with the newest inside the statement made PostgreSQL expect a third of them to differ and scan
    the table for one: 340 ms at a million items.)"""
    with reader().cursor() as cursor:
        cursor.execute(
            "SELECT h.version, h.created_at, (SELECT MIN(hot_version) FROM search_searchentry), "
            "(SELECT MAX(hot_version) FROM search_searchentry), "
            "EXISTS (SELECT 1 FROM search_searchentry WHERE hot_version IS NULL) "
            "FROM search_hotlist h ORDER BY h.version DESC LIMIT 1"
        )
        latest = cursor.fetchone()
    if latest is None:
        return None
    version, created, lowest, highest, unmasked = latest
    if unmasked or (lowest is not None and not lowest == highest == version):
        return None
    return _load(version, created)


def choose(token_sets: Iterable[set[str]], min_share: float) -> tuple[list[str], list[float]]:
    """The hot tokens of a sample of entries: the most common, down to ``min_share`` of the sample
    (Tuning.hot_min_share), at most HOT_BITS."""
    counts: Counter[str] = Counter()
    n = 0
    for tokens in token_sets:
        counts.update(tokens)
        n += 1
    if not n:
        return [], []
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    chosen = [(t, k / n) for t, k in ranked[:HOT_BITS] if k / n >= min_share]
    return [t for t, _ in chosen], [round(s, 6) for _, s in chosen]


def retune(sample_size: int = SAMPLE_SIZE, tuning: Tuning | None = None) -> Hot | None:
    """Choose the hot tokens from an even sample of the published items and save them as a new
    version (PostgreSQL only; elsewhere the index needs no mask). Entries keep their old masks
    until they are indexed again (``indexing.rebuild`` does all of them)."""
    if connection.vendor != "postgresql":
        return None
    from gongkai.catalogue.models import Document, DocumentState
    from gongkai.search.entries import derive, rank_key
    from gongkai.search.indexing import sources
    from gongkai.search.models import HotList

    ids = list(Document.objects.filter(state=DocumentState.PUBLISHED).order_by("pk").values_list("pk", flat=True))
    sample = ids[:: max(1, len(ids) // sample_size)] if ids else []

    keys: list[int] = []

    def token_sets() -> Iterable[set[str]]:
        for start in range(0, len(sample), 1000):
            for source in sources(sample[start : start + 1000]):
                forms = derive(source)
                keys.append(rank_key(source.published_date, source.document_id))
                yield set(forms.tokens.split()) | ngrams(forms.text)

    tokens, shares = choose(token_sets(), (tuning or configured()).hot_min_share)
    keys.sort(reverse=True)
    recency = [keys[min(len(keys) - 1, int(share * len(keys)))] for share in WINDOW_SHARES] if keys else []
    with transaction.atomic():
        latest = HotList.objects.order_by("-version").values_list("version", flat=True).first() or 0
        HotList.objects.create(version=latest + 1, tokens=tokens, shares=shares, recency=recency, sample=len(sample))
    return current()
