"""Bulk import of an existing catalogue from JSONL or CSV (optionally gzip-compressed).

- Idempotent on ``source_id``: a line seen before updates its item (or leaves it alone when nothing
  changed); it never creates a second one.
- Resumable: the checkpoint (lines done) is stored in ``ImportRun`` and committed in the same
  transaction as each batch, so after an interruption the next run continues exactly where the last
  committed batch ended.
- Each line is checked on its own; a rejected line leaves nothing behind and is reported with its
  line number and reason, and the import goes on (or stops there, if asked). The batch's accepted
  items are then written together: index numbers, rows, search entries and audit events take a
  statement or a few for the whole batch (``Importer.write``). Should the database refuse them (a
  value no check foresaw), the batch is written again line by line, each in its own savepoint, so
  that whatever a line holds (a date in the year 9999, a field of megabytes), it is that line that
  is rejected, never the batch: otherwise every resume would meet the same line and fail again.
- The file may be UTF-8 or GB18030 (GBK), detected from its first bytes, or named with ``encoding``;
  a truncated gzip file is reported where it breaks.

Imported items are already public elsewhere, so they enter the catalogue as published; their
index number is kept when it has the standard form, otherwise one is issued.

Over 400 lines on purpose: parsing, checks, the checkpoint and the per-line savepoints are one
procedure whose parts depend on each other's order, read best in one place.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import DatabaseError, models, transaction
from django.db.models import Q
from django.utils import timezone

from gongkai.calendars.services import CalendarCache
from gongkai.catalogue import hooks
from gongkai.catalogue.doc_numbers import find_doc_number
from gongkai.catalogue.index_numbers import index_number_problem, number_in_order
from gongkai.catalogue.models import (
    DisclosureMethod,
    Document,
    DocumentState,
    ImportRun,
    Instrument,
    InterpretationForm,
    Interpreter,
    Term,
    Validity,
    Vocabulary,
)
from gongkai.catalogue.services import compute_publish_due, snapshot, validate_document
from gongkai.core import audit
from gongkai.core.errors import ApplicationError, ValidationFailed
from gongkai.core.types import Actor, user_of
from gongkai.orgs import policies
from gongkai.orgs.models import Organisation

EXPORT_FIELDS = (
    "source_id",
    "org",
    "index_number",
    "title",
    "summary",
    "doc_number",
    "written_date",
    "published_date",
    "formed_date",
    "topic",
    "genre",
    "art20",
    "disclosure_method",
    "validity",
    "instrument",
    "effective_date",
    "amended_date",
    "repealed_date",
    "keywords",
    "body",
    "interprets",
    "interpretation_form",
    "interpreter",
    "video_url",
)
DATE_FIELDS = ("written_date", "published_date", "formed_date", "effective_date", "amended_date", "repealed_date")
# Field names other catalogues use for the same things (the shared laws corpus uses the first four).
ALIASES = {"id": "source_id", "date": "written_date", "category": "keywords", "content": "body"}
# A date in an imported catalogue: not before the State Council's first documents, not years ahead.
FIRST_YEAR = 1949
YEARS_AHEAD = 5
# The longest text accepted in any field but the body, and in the body (characters).
MAX_FIELD_CHARS = 128 * 1024
MAX_BODY_CHARS = 10 * 1024 * 1024
MAX_SOURCE_ID = 100
# A choice's value by its label (a file may give 已废止 for repealed), read once: building them per
# line cost more than the rest of a line's checks.
_BY_LABEL: dict[type[models.TextChoices], dict[str, str]] = {
    choices: {str(label): value for value, label in choices.choices if value}
    for choices in (Validity, Instrument, DisclosureMethod, InterpretationForm, Interpreter)
}
_CN_DATE = re.compile(r"(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?")


@dataclass
class ImportSummary:
    lines: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    resumed_from: int = 0
    rejections: list[tuple[int, str]] = field(default_factory=list)


def parse_date(value: Any, label: str) -> dt.date | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    try:
        found: dt.date | None = dt.date.fromisoformat(text[:10])
    except ValueError:
        found = _first_date(text)
    if found is None:
        raise ValidationFailed(f"{label}格式不正确：{text[:40]}", code="invalid_date", field=label)
    last = timezone.localdate().year + YEARS_AHEAD
    if not FIRST_YEAR <= found.year <= last:
        raise ValidationFailed(
            f"{label}应在{FIRST_YEAR}年至{last}年之间：{text[:40]}", code="invalid_date", field=label
        )
    return found


def _open_binary(path: Path) -> IO[bytes]:
    raw = path.open("rb")
    if raw.read(2) == b"\x1f\x8b":
        raw.seek(0)
        return gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]
    raw.seek(0)
    return raw


def detect_encoding(path: Path) -> str:
    """utf-8-sig when the first 64 KB read as UTF-8 (a character cut at the end is allowed), else
    gb18030 (a superset of GBK and GB2312, which older government systems export)."""
    with _open_binary(path) as stream:
        try:
            head = stream.read(1 << 16)
        except (EOFError, OSError, gzip.BadGzipFile):
            return "utf-8-sig"  # the reader reports the broken file where it breaks
    try:
        head.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:
            return "utf-8-sig"
    return "gb18030"


def _open_text(path: Path, encoding: str = "") -> IO[str]:
    return io.TextIOWrapper(_open_binary(path), encoding=encoding or detect_encoding(path), newline="")


class UnreadableFile(ValidationFailed):
    """The file itself cannot be read on from here (truncated, or not in its encoding)."""


def _unreadable(exc: BaseException, after_line: int, encoding: str) -> UnreadableFile:
    if isinstance(exc, UnicodeDecodeError):
        return UnreadableFile(
            f"第{after_line + 1}行附近的内容不是 {encoding} 编码，无法继续读取。请转换为 UTF-8，"
            "或用 --encoding 指定文件的编码。",
            code="bad_encoding",
        )
    return UnreadableFile(
        f"文件在第{after_line}行之后中断（压缩文件不完整或已损坏）。此前的行已导入；请取得完整的文件后重新运行。",
        code="truncated_file",
    )


def detect_format(path: Path) -> str:
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    raise ValidationFailed("无法判断文件格式，请使用 .jsonl 或 .csv 文件（可为 .gz 压缩）。", code="unknown_format")


def read_records(path: Path, fmt: str, encoding: str = "") -> Iterator[tuple[int, dict[str, Any] | str]]:
    """Yield (line number, record) or (line number, error message) for unreadable lines. Raises
    ``UnreadableFile`` where the file itself breaks off."""
    encoding = encoding or detect_encoding(path)
    number = 0
    try:
        for number, record in _records(path, fmt, encoding):
            yield number, record
    except (UnicodeDecodeError, EOFError, OSError, gzip.BadGzipFile, csv.Error) as exc:
        raise _unreadable(exc, number, encoding) from exc


def _records(path: Path, fmt: str, encoding: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    csv.field_size_limit(MAX_BODY_CHARS + 1024)
    with _open_text(path, encoding) as stream:
        if fmt == "jsonl":
            for number, line in enumerate(stream, start=1):
                if not line.strip():
                    yield number, "空行"
                    continue
                try:
                    value = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield number, f"不是有效的 JSON：{exc.msg}（第{exc.colno}列）"
                    continue
                except RecursionError:
                    yield number, "JSON 嵌套过深，无法读取"
                    continue
                yield number, value if isinstance(value, dict) else "每行应为一个 JSON 对象"
        else:
            reader = csv.DictReader(stream)
            for number, row in enumerate(reader, start=2):
                if None in row:
                    yield number, "该行的列数多于表头"
                    continue
                yield number, dict(row)


def count_records(path: Path, fmt: str, encoding: str = "") -> int:
    """Lines to import, for the progress bar. A file that breaks off counts up to where it breaks."""
    count = 0
    try:
        with _open_text(path, encoding) as stream:
            if fmt == "jsonl":
                for _ in stream:
                    count += 1
                return count
            csv.field_size_limit(MAX_BODY_CHARS + 1024)
            for _ in csv.reader(stream):
                count += 1
    except (UnicodeDecodeError, EOFError, OSError, gzip.BadGzipFile, csv.Error):
        pass
    return max(count - 1, 0) if fmt == "csv" else count


def fingerprint(path: Path, fmt: str, org: Organisation | None) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    digest.update(f"|{fmt}|{org.pk if org else ''}".encode())
    return digest.hexdigest()


class Importer:
    def __init__(self, *, actor: Actor | None, default_org: Organisation | None) -> None:
        self.actor = actor
        self.default_org = default_org
        self.orgs: dict[str, Organisation] = {}
        self.calendars = CalendarCache()
        self.terms: dict[tuple[str, str], Term] = {}
        for term in Term.objects.filter(is_current=True):
            self.terms[(term.vocabulary, term.code)] = term
            self.terms.setdefault((term.vocabulary, term.label), term)
        self.today = timezone.localdate()
        # source_ids met in this file, with their line: a second line with the same one is refused
        # rather than silently updating the first (an import is one snapshot of a catalogue).
        self.seen: dict[str, int] = {}

    def note_seen(self, number: int, record: dict[str, Any] | str) -> None:
        """Remember a line's source_id (also for the lines an interrupted run already imported)."""
        if isinstance(record, dict):
            source_id = str(record.get("source_id") or record.get("id") or "").strip()
            if source_id:
                self.seen.setdefault(source_id, number)

    def check_unique(self, number: int, record: dict[str, Any]) -> None:
        source_id = str(record.get("source_id") or record.get("id") or "").strip()
        first = self.seen.get(source_id)
        if source_id and first is not None and first != number:
            raise ValidationFailed(f"来源编号 {source_id[:40]} 与第{first}行重复。", code="duplicate_source_id")
        self.note_seen(number, record)

    def _org(self, ref: str) -> Organisation:
        if not ref:
            if self.default_org is None:
                raise ValidationFailed("未指定发布机构（org 字段或 --org 参数）。", code="org_required")
            return self.default_org
        if ref not in self.orgs:
            org = Organisation.objects.filter(credit_code=ref).first() or Organisation.objects.filter(slug=ref).first()
            if org is None:
                raise ValidationFailed(f"找不到发布机构：{ref}", code="unknown_org")
            self.orgs[ref] = org
        return self.orgs[ref]

    def _term(self, vocabulary: str, value: Any, label: str) -> Term | None:
        text = str(value or "").strip()
        if not text:
            return None
        term = self.terms.get((vocabulary, text))
        if term is None and "\\" in text:  # "一级\二级" as gov.cn writes it
            term = self.terms.get((vocabulary, text.rsplit("\\", 1)[1]))
        if term is None:
            raise ValidationFailed(f"{label}不在词表中：{text[:40]}", code="unknown_term")
        return term

    def normalise(self, record: dict[str, Any]) -> dict[str, Any]:
        rec = {ALIASES.get(k, k): v for k, v in record.items()}
        info = rec.pop("info", None)
        info_lines = [str(x) for x in info] if isinstance(info, list) else ([str(info)] if info else [])
        out: dict[str, Any] = {}
        for key, value in rec.items():
            limit = MAX_BODY_CHARS if key == "body" else MAX_FIELD_CHARS
            if isinstance(value, str) and len(value) > limit:
                raise ValidationFailed(
                    f"字段 {str(key)[:30]} 过长（{len(value)}个字符，上限{limit}）。", code="too_long"
                )
            if isinstance(value, str) and "\x00" in value:
                raise ValidationFailed(f"字段 {str(key)[:30]} 含有空字符（\\x00）。", code="invalid_characters")
        source_id = str(rec.get("source_id") or "").strip()
        if not source_id:
            raise ValidationFailed("缺少来源编号（source_id）。", code="source_id_required")
        if len(source_id) > MAX_SOURCE_ID:
            # Cutting it would make two different items one: refuse instead.
            raise ValidationFailed(
                f"来源编号（source_id）过长（{len(source_id)}个字符，上限{MAX_SOURCE_ID}）。", code="source_id_too_long"
            )
        out["source_id"] = source_id
        out["org"] = self._org(str(rec.get("org") or "").strip())
        out["title"] = str(rec.get("title") or "").strip()
        if not out["title"]:
            raise ValidationFailed("缺少名称（title）。", code="required")
        labels = {
            "written_date": "成文日期",
            "published_date": "发布日期",
            "formed_date": "形成日期",
            "effective_date": "生效日期",
            "amended_date": "修改日期",
            "repealed_date": "废止日期",
        }
        for name in DATE_FIELDS:
            out[name] = parse_date(rec.get(name), labels[name])
        if out["written_date"] is None and info_lines:
            dates = [d for line in info_lines for d in [_first_date(line)] if d]
            out["written_date"] = max(dates) if dates else None
        out["published_date"] = out["published_date"] or out["written_date"] or self.today
        out["formed_date"] = out["formed_date"] or out["written_date"] or out["published_date"]
        doc_number = str(rec.get("doc_number") or "").strip()
        if not doc_number:
            for line in reversed(info_lines):
                found = find_doc_number(line)
                if found:
                    doc_number = found.canonical
                    break
        if len(doc_number) > 100:
            raise ValidationFailed(f"文号过长：{doc_number[:40]}……", code="too_long")
        out["doc_number"] = doc_number
        summary = str(rec.get("summary") or "").strip()
        out["summary"] = summary or "\n".join(info_lines)
        out["keywords"] = str(rec.get("keywords") or "").strip()
        if len(out["keywords"]) > 300:
            raise ValidationFailed("主题词过长（上限300个字）。", code="too_long")
        out["body"] = str(rec.get("body") or "")
        out["topic"] = (
            self._term(Vocabulary.TOPIC, rec.get("topic"), "主题分类") or self.terms[(Vocabulary.TOPIC, "T22")]
        )
        out["genre"] = self._term(Vocabulary.GENRE, rec.get("genre"), "体裁")
        out["art20_item"] = self._term(Vocabulary.ART20, rec.get("art20"), "公开事项")
        validity = str(rec.get("validity") or Validity.CURRENT).strip()
        by_label = _BY_LABEL[Validity]
        out["validity"] = by_label.get(validity, validity)
        if out["validity"] not in Validity.values:
            raise ValidationFailed(f"有效性不正确：{validity[:20]}", code="invalid_choice")
        if out["validity"] == Validity.REPEALED and out["repealed_date"] is None:
            raise ValidationFailed("已废止的信息须填写废止日期（repealed_date）。", code="required")
        instrument = str(rec.get("instrument") or "").strip()
        out["instrument"] = _BY_LABEL[Instrument].get(instrument, instrument)
        if out["instrument"] not in Instrument.values:
            raise ValidationFailed(f"“规章或规范性文件”不正确：{instrument[:20]}", code="invalid_choice")
        method = str(rec.get("disclosure_method") or "proactive").strip()
        out["disclosure_method"] = _BY_LABEL[DisclosureMethod].get(method, method)
        if out["disclosure_method"] not in DisclosureMethod.values:
            raise ValidationFailed(f"公开方式不正确：{method[:20]}", code="invalid_choice")
        out["index_number"] = str(rec.get("index_number") or "").strip()
        if len(out["index_number"]) > 40:
            raise ValidationFailed(f"索引号过长：{out['index_number'][:40]}……", code="invalid_index_number")
        out.update(self._interpretation(rec))
        return out

    def _interpretation(self, rec: dict[str, Any]) -> dict[str, Any]:
        """A 政策解读 names its policy by the policy's 索引号 or source_id (imported before it)."""
        ref = str(rec.get("interprets") or "").strip()[:100]
        policy = None
        if ref:
            policy = (
                Document.objects.filter(state=DocumentState.PUBLISHED)
                .filter(Q(index_number=ref) | Q(source_id=ref))
                .first()
            )
            if policy is None:
                raise ValidationFailed(
                    f"找不到所解读的政策文件：{ref[:40]}（应为已导入或已发布信息的索引号或来源编号）。",
                    code="invalid_policy",
                )
        form = str(rec.get("interpretation_form") or "").strip()
        interpreter = str(rec.get("interpreter") or "").strip()
        return {
            "interprets": policy,
            "interpretation_form": _BY_LABEL[InterpretationForm].get(form, form),
            "interpreter": _BY_LABEL[Interpreter].get(interpreter, interpreter),
            "video_url": str(rec.get("video_url") or "").strip()[:500],
        }

    def prepare(self, record: dict[str, Any], existing: Document | None, taken: set[str]) -> Prepared | None:
        """Check a line and make its item, without writing: None when the item exists unchanged.
        ``existing``: the item with the line's source_id, if any; ``taken``: index numbers in use
        (the item's, once it keeps one, is added)."""
        data = self.normalise(record)
        org: Organisation = data.pop("org")
        if self.actor is not None:
            policies.require(self.actor, "document.import", org)
        index_number = data.pop("index_number")
        policy = data.get("interprets")
        hashed = {**data, "org": org.pk, "index_number": index_number, "interprets": policy.pk if policy else None}
        content_hash = hashlib.sha256(json.dumps(hashed, sort_keys=True, default=str).encode()).hexdigest()
        if existing is not None and existing.source_hash == content_hash:
            return None
        doc = existing or Document(org=org, created_by=user_of(self.actor))
        before = snapshot(doc) if existing else {}
        for key, value in data.items():
            setattr(doc, key, value)
        doc.org = org
        validate_document(doc)
        compute_publish_due(doc, self.calendars.for_org(org))
        doc.state = DocumentState.PUBLISHED
        doc.publisher_name = doc.publisher_name or org.name
        doc.published_late = bool(doc.publish_due and doc.published_date and doc.published_date > doc.publish_due)
        doc.source_hash = content_hash
        kept = False
        if not doc.index_number and index_number:
            problem = index_number_problem(index_number)
            if problem:
                raise ValidationFailed(problem, code="invalid_index_number")
            if index_number in taken:
                raise ValidationFailed(f"索引号已被其他信息使用：{index_number}", code="duplicate_index_number")
            taken.add(index_number)
            doc.index_number, kept = index_number, True
        if doc.published_at is None:
            doc.published_at = timezone.now()
        return Prepared(doc, existing is not None, before, kept)

    def write(self, prepared: list[Prepared]) -> None:
        """Save the items of checked lines together: index numbers kept (reserved) or issued, the
        rows, the search index (catalogue.hooks) and the audit trail, a statement or a few for all
        of them rather than several per line."""
        wanting = [p for p in prepared if p.kept or not p.doc.index_number]
        requests = [
            (p.doc.org, None if p.kept else (p.doc.published_date or self.today).year, p.doc.index_number or "")
            for p in wanting
        ]
        for p, number in zip(wanting, number_in_order(requests), strict=True):
            p.doc.index_number = number
        new = [p.doc for p in prepared if not p.existing]
        Document.objects.bulk_create(new)
        for p in prepared:
            if p.existing:
                p.doc.save()
        hooks.changed_many([p.doc for p in prepared])
        changes = []
        for p in prepared:
            if p.existing:
                b, a = audit.changed_fields(p.before, snapshot(p.doc))
                changes.append(audit.Change("document.import_updated", p.doc, b, a, org_id=p.doc.org_id))
            else:
                changes.append(audit.Change("document.imported", p.doc, after=snapshot(p.doc), org_id=p.doc.org_id))
        audit.record_many(actor=self.actor, events=changes)

    def apply(self, record: dict[str, Any]) -> str:
        """One line on its own (a batch whose rows the database refused goes line by line)."""
        source_id = str(record.get("source_id") or record.get("id") or "").strip()
        existing = Document.objects.select_for_update().filter(source_id=source_id).first() if source_id else None
        number = str(record.get("index_number") or "").strip()
        taken = {number} if number and Document.objects.filter(index_number=number).exists() else set()
        prepared = self.prepare(record, existing, taken)
        if prepared is None:
            return "unchanged"
        self.write([prepared])
        return "updated" if prepared.existing else "created"

    def apply_batch(
        self, lines: list[tuple[int, dict[str, Any] | str]], stop_on_error: bool
    ) -> list[tuple[int, str, str]] | None:
        """(line number, outcome, reason) for each line, the items written together; with
        ``stop_on_error``, up to the first rejected line. None when the database refused the batch's
        rows (a value no check foresaw): nothing of it is written, and the caller goes line by line."""
        records = [r for _, r in lines if isinstance(r, dict)]

        def looked_up(key: str, limit: int) -> list[str]:
            # A value the database cannot hold (a NUL) is never stored: its line is rejected by the
            # checks, and the lookup leaves it out rather than fail for the whole batch.
            values = (str(r.get(key) or (r.get("id") if key == "source_id" else "") or "").strip() for r in records)
            return [v[:limit] for v in values if v and "\x00" not in v]

        outcomes: list[tuple[int, str, str]] = []
        prepared: list[Prepared] = []
        try:
            with transaction.atomic():
                ids = looked_up("source_id", MAX_SOURCE_ID)
                existing = {d.source_id: d for d in Document.objects.select_for_update().filter(source_id__in=ids)}
                in_use = Document.objects.filter(index_number__in=looked_up("index_number", 40))
                taken: set[str] = {n for n in in_use.values_list("index_number", flat=True) if n}
                for number, record in lines:
                    if isinstance(record, dict) and record.get("interprets") and prepared:
                        # The policy it interprets may be among the lines before it: saved first.
                        self.write(prepared)
                        prepared = []
                    outcome, reason = self._prepare_line(number, record, existing, taken, prepared)
                    outcomes.append((number, outcome, reason))
                    if outcome == "rejected" and stop_on_error:
                        break
                self.write(prepared)
        except (ApplicationError, DatabaseError, ValueError, OverflowError, TypeError):
            # Refused together (a value the database takes from no line alone, a year's serials
            # used up): line by line, the line it concerns is rejected with the reason.
            return None
        return outcomes

    def _prepare_line(
        self,
        number: int,
        record: dict[str, Any] | str,
        existing: dict[str | None, Document],
        taken: set[str],
        prepared: list[Prepared],
    ) -> tuple[str, str]:
        """(outcome, reason) of one line of a batch; its item, if any, joins ``prepared``."""
        if isinstance(record, str):
            return "rejected", record
        try:
            self.check_unique(number, record)
            source_id = str(record.get("source_id") or record.get("id") or "").strip()
            item = self.prepare(record, existing.get(source_id), taken)
        except ApplicationError as exc:
            return "rejected", exc.message
        if item is None:
            return "unchanged", ""
        prepared.append(item)
        return ("updated" if item.existing else "created"), ""


@dataclass
class Prepared:
    """A checked line's item, not yet saved."""

    doc: Document
    existing: bool
    before: dict[str, Any]
    kept: bool  # it keeps the index number the line gave (reserved, not issued)


def _first_date(text: str) -> dt.date | None:
    m = _CN_DATE.search(text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def checkpoint(path: Path, fmt: str, org: Organisation | None) -> int:
    """Lines already committed by an earlier, interrupted run of the same import."""
    run = ImportRun.objects.filter(fingerprint=fingerprint(path, fmt, org), finished=False).first()
    return run.lines_done if run else 0


def import_catalogue(
    *,
    actor: Actor | None,
    path: Path,
    default_org: Organisation | None = None,
    fmt: str | None = None,
    batch_size: int = 200,
    restart: bool = False,
    on_progress: Callable[[int], None] | None = None,
    on_reject: Callable[[int, str], None] | None = None,
    encoding: str = "",
    stop_on_error: bool = False,
) -> ImportSummary:
    """Import the file. With ``stop_on_error`` the import ends at the first rejected line (the lines
    before it are committed; ``ImportStopped`` says where); otherwise rejected lines are reported and
    the rest imported."""
    fmt = fmt or detect_format(path)
    run, _ = ImportRun.objects.get_or_create(
        fingerprint=fingerprint(path, fmt, default_org), defaults={"source_name": str(path)[:300]}
    )
    if restart or run.finished:
        run.lines_done = run.created = run.updated = run.unchanged = run.rejected = 0
        run.finished = False
        run.save()
    summary = ImportSummary(resumed_from=run.lines_done)
    importer = Importer(actor=actor, default_org=default_org)
    batch: list[tuple[int, dict[str, Any] | str]] = []

    def line_by_line() -> list[tuple[int, str, str]]:
        """The batch's lines each in its own savepoint, when the database refused the batch's rows
        together: the line it refuses is rejected, the rest of the batch and of the file go on."""
        outcomes = []
        for number, record in batch:
            outcome = "rejected"
            reason = record if isinstance(record, str) else ""
            if isinstance(record, dict):
                try:
                    importer.check_unique(number, record)
                    with transaction.atomic():
                        outcome = importer.apply(record)
                except ApplicationError as exc:
                    reason = exc.message
                except (DatabaseError, ValueError, OverflowError, TypeError) as exc:
                    reason = f"数据库拒绝了该行（{type(exc).__name__}）：{str(exc)[:120]}"
            outcomes.append((number, outcome, reason))
            if outcome == "rejected" and stop_on_error:
                break
        return outcomes

    def flush() -> None:
        with transaction.atomic():
            outcomes = importer.apply_batch(batch, stop_on_error)
            if outcomes is None:
                outcomes = line_by_line()
            for number, outcome, reason in outcomes:
                if outcome == "rejected" and stop_on_error:
                    stopped.append((number, reason))
                    break
                if outcome == "rejected":
                    summary.rejected += 1
                    run.rejected += 1
                    summary.rejections.append((number, reason))
                    if on_reject:
                        on_reject(number, reason)
                else:
                    setattr(summary, outcome, getattr(summary, outcome) + 1)
                    setattr(run, outcome, getattr(run, outcome) + 1)
            done = len(batch) if not stopped else [n for n, _ in batch].index(stopped[0][0])
            run.lines_done += done
            run.save()
        if on_progress:
            on_progress(done)
        summary.lines += done
        batch.clear()
        if stopped:
            number, reason = stopped[0]
            raise ImportStopped(
                f"第{number}行被拒绝，导入已停止：{reason}。此前的行已导入；修正后重新运行即从该行继续。"
            )

    stopped: list[tuple[int, str]] = []
    skip = run.lines_done
    try:
        for index, item in enumerate(read_records(path, fmt, encoding)):
            if index < skip:
                importer.note_seen(*item)
                continue
            batch.append(item)
            if len(batch) >= batch_size:
                flush()
    except UnreadableFile:
        # The lines read before the break are imported, as the message says.
        if batch:
            flush()
        raise
    if batch:
        flush()
    run.finished = True
    run.save(update_fields=["finished", "updated_at"])
    return summary


class ImportStopped(ValidationFailed):
    """The import stopped at a rejected line, as the user asked."""


def export_rows(queryset: Any) -> Iterator[dict[str, Any]]:
    # select_related: an iterator() cannot prefetch, and the policy of an interpretation is one row.
    for doc in queryset.select_related("org", "topic", "genre", "art20_item", "interprets").iterator(chunk_size=500):
        row = {
            "source_id": doc.source_id or doc.index_number or f"gongkai-{doc.pk}",
            "org": doc.org.credit_code,
            "index_number": doc.index_number or "",
            "title": doc.title,
            "summary": doc.summary,
            "doc_number": doc.doc_number,
            "topic": doc.topic.code,
            "genre": doc.genre.code if doc.genre else "",
            "art20": doc.art20_item.code if doc.art20_item else "",
            "disclosure_method": doc.disclosure_method,
            "validity": doc.validity,
            "instrument": doc.instrument,
            "keywords": doc.keywords,
            "body": doc.body,
            "interprets": (doc.interprets.index_number or "") if doc.interprets else "",
            "interpretation_form": doc.interpretation_form,
            "interpreter": doc.interpreter,
            "video_url": doc.video_url,
        }
        for name in DATE_FIELDS:
            value = getattr(doc, name)
            row[name] = value.isoformat() if value else ""
        yield {k: row[k] for k in EXPORT_FIELDS}


def export_catalogue(*, queryset: Any, fmt: str, out: IO[str]) -> int:
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=list(EXPORT_FIELDS))
        writer.writeheader()
        for row in export_rows(queryset):
            writer.writerow(row)
            count += 1
    elif fmt == "jsonl":
        for row in export_rows(queryset):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    else:
        raise ValidationFailed("导出格式应为 jsonl 或 csv。", code="unknown_format")
    return count
