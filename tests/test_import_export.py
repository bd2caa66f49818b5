import csv
import gzip
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from gongkai.catalogue.importing import export_catalogue, import_catalogue
from gongkai.catalogue.models import Document, DocumentState, ImportRun
from gongkai.catalogue.selectors import public_documents
from gongkai.core.audit import history_for
from gongkai.core.errors import PermissionDenied
from gongkai.search.models import SearchEntry
from tests.conftest import shared_file

pytestmark = pytest.mark.django_db


def line(i: int, **extra) -> dict:
    base = {
        "source_id": f"src-{i}",
        "title": f"关于第{i}项工作的通知",
        "doc_number": f"呼教发〔2024〕{i}号",
        "written_date": "2024-03-01",
        "published_date": "2024年3月8日",
        "topic": "T1102",
        "art20": "ART20_11",
        "body": f"正文{i}",
    }
    base.update(extra)
    return base


def write_jsonl(path: Path, rows: list) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write((row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)) + "\n")
    return path


def test_jsonl_import_with_rejections(world, tmp_path) -> None:
    rows = [
        line(1),
        line(2, index_number=f"{world.edu.credit_code}/2024-00042"),
        line(3, title=""),
        line(4, written_date="2024-02-30"),
        line(5, topic="T99"),
        line(6, org="no-such-body"),
        "{not json",
        line(7, validity="已废止", repealed_date="2025-01-01"),
        line(8, topic="科技、教育\\教育"),
    ]
    path = write_jsonl(tmp_path / "cat.jsonl", rows)
    summary = import_catalogue(actor=None, path=path, default_org=world.edu)
    assert (summary.created, summary.rejected) == (4, 5)
    reasons = dict(summary.rejections)
    assert "名称" in reasons[3]
    assert "成文日期" in reasons[4]
    assert "主题分类" in reasons[5]
    assert "发布机构" in reasons[6]
    assert "JSON" in reasons[7]
    docs = {d.source_id: d for d in Document.objects.all()}
    assert set(docs) == {"src-1", "src-2", "src-7", "src-8"}
    assert all(d.state == DocumentState.PUBLISHED for d in docs.values())
    assert docs["src-2"].index_number.endswith("/2024-00042")
    assert str(docs["src-1"].published_date) == "2024-03-08"
    assert docs["src-7"].validity == "repealed"
    assert docs["src-8"].topic.code == "T1102"
    # An imported number reserves its serial: new numbers continue after it.
    assert docs["src-1"].index_number.endswith("/2024-00001")
    assert docs["src-7"].index_number.endswith("/2024-00043")
    assert docs["src-8"].index_number.endswith("/2024-00044")
    new = import_catalogue(actor=None, path=write_jsonl(tmp_path / "b.jsonl", [line(9)]), default_org=world.edu)
    assert new.created == 1
    assert Document.objects.get(source_id="src-9").index_number.endswith("/2024-00045")


def test_reimport_is_idempotent_and_updates_changes(world, tmp_path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [line(1), line(2)])
    import_catalogue(actor=None, path=path, default_org=world.edu)
    numbers = dict(Document.objects.values_list("source_id", "index_number"))
    again = import_catalogue(actor=None, path=path, default_org=world.edu)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = write_jsonl(tmp_path / "b.jsonl", [line(1, title="更正后的名称"), line(2)])
    result = import_catalogue(actor=None, path=changed, default_org=world.edu)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    doc = Document.objects.get(source_id="src-1")
    assert doc.title == "更正后的名称" and Document.objects.count() == 2
    assert dict(Document.objects.values_list("source_id", "index_number")) == numbers
    assert [e.action for e in history_for(doc)] == ["document.imported", "document.import_updated"]


class Interrupt(Exception):
    pass


def test_interrupted_import_resumes_without_loss_or_duplicates(world, tmp_path) -> None:
    path = write_jsonl(tmp_path / "big.jsonl", [line(i) for i in range(1, 26)])
    calls = []

    def crash_after_two_batches(n: int) -> None:
        calls.append(n)
        if len(calls) == 2:
            raise Interrupt

    with pytest.raises(Interrupt):
        import_catalogue(
            actor=None, path=path, default_org=world.edu, batch_size=10, on_progress=crash_after_two_batches
        )
    assert Document.objects.count() == 20
    assert ImportRun.objects.get().lines_done == 20
    resumed = import_catalogue(actor=None, path=path, default_org=world.edu, batch_size=10)
    assert resumed.resumed_from == 20 and resumed.created == 5 and resumed.lines == 5
    assert Document.objects.count() == 25
    assert Document.objects.values("source_id").distinct().count() == 25


def test_a_crash_inside_a_batch_leaves_no_partial_batch(world, tmp_path, monkeypatch) -> None:
    path = write_jsonl(tmp_path / "x.jsonl", [line(i) for i in range(1, 8)])
    from gongkai.catalogue import importing

    original = importing.Importer.write
    seen = []

    def flaky(self, prepared):
        seen.append(len(prepared))
        if len(seen) == 2:
            raise KeyboardInterrupt  # e.g. Ctrl-C while batch 2 is being written
        return original(self, prepared)

    monkeypatch.setattr(importing.Importer, "write", flaky)
    with pytest.raises(KeyboardInterrupt):
        import_catalogue(actor=None, path=path, default_org=world.edu, batch_size=3)
    assert Document.objects.count() == 3  # batch 1 committed; batch 2 rolled back whole
    assert not SearchEntry.objects.exclude(document__in=Document.objects.all()).exists()
    monkeypatch.setattr(importing.Importer, "write", original)
    import_catalogue(actor=None, path=path, default_org=world.edu, batch_size=3)
    assert Document.objects.count() == 7


def test_csv_import_and_round_trip_export(world, tmp_path) -> None:
    path = tmp_path / "cat.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(line(1)))
        writer.writeheader()
        for i in range(1, 4):
            writer.writerow(line(i, body=f"第一段{i}\n第二段，含逗号"))
    summary = import_catalogue(actor=None, path=path, default_org=world.edu)
    assert summary.created == 3 and summary.rejected == 0
    assert Document.objects.get(source_id="src-2").body == "第一段2\n第二段，含逗号"
    for fmt in ("csv", "jsonl"):
        out = tmp_path / f"export.{fmt}"
        with out.open("w", encoding="utf-8", newline="") as f:
            assert export_catalogue(queryset=public_documents().order_by("id"), fmt=fmt, out=f) == 3
        again = import_catalogue(actor=None, path=out, default_org=None)
        assert again.created == 0 and again.rejected == 0
    assert Document.objects.count() == 3


def test_import_as_user_checks_roles(world, tmp_path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [line(1)])
    summary = import_catalogue(actor=world.user("health_clerk"), path=path, default_org=world.edu)
    assert summary.rejected == 1 and "没有" in summary.rejections[0][1]
    assert not Document.objects.exists()
    with pytest.raises(PermissionDenied):
        from gongkai.orgs import policies

        policies.require(world.user("health_clerk"), "document.create", world.edu)


def test_command_reports_rejections_and_gzip(world, tmp_path) -> None:
    raw = "\n".join(json.dumps(r, ensure_ascii=False) for r in [line(1), line(2, title="")]) + "\n"
    path = tmp_path / "a.jsonl.gz"
    path.write_bytes(gzip.compress(raw.encode()))
    out, err = io.StringIO(), io.StringIO()
    call_command("catalogue_import", str(path), "--org", "edu", "--no-progress", stdout=out, stderr=err)
    assert "新增 1" in out.getvalue() and "拒绝 1" in out.getvalue()
    assert "第2行被拒绝" in err.getvalue()


@pytest.mark.corpus
def test_import_all_real_laws(world) -> None:
    path = shared_file("laws.jsonl.gz")
    summary = import_catalogue(actor=None, path=path, default_org=world.province, batch_size=500)
    assert summary.created == 3475 and summary.rejected == 0
    regs = Document.objects.get(title="中华人民共和国政府信息公开条例")
    assert regs.doc_number.endswith("国务院令第711号") and str(regs.written_date) == "2019-04-03"
    assert len(set(Document.objects.values_list("index_number", flat=True))) == 3475
