"""Issue 17 §9 (imports): a hostile or damaged catalogue file is reported line by line and never
aborts a batch, so resuming never meets the same failure again."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongkai.catalogue import services as doc_services
from gongkai.catalogue.importing import ImportStopped, UnreadableFile, import_catalogue
from gongkai.catalogue.models import Document, ImportRun
from tests.conftest import World, draft
from tests.test_import_export import line, write_jsonl

pytestmark = pytest.mark.django_db


def test_hostile_lines_are_rejected_one_by_one_and_the_rest_imported(world: World, tmp_path: Path) -> None:
    rows = [
        line(1),
        line(2, written_date="9999-12-31"),
        line(3, body="长" * (11 * 1024 * 1024)),
        line(4, summary="长" * (129 * 1024)),
        line(5, disclosure_method="publish_everything"),
        line(6, source_id="x" * 101),
        line(7, source_id="src-1"),  # the same source_id as line 1
        line(8, title="含\x00空字符"),
        line(9, disclosure_method="依申请公开"),
        "[" * 100_000 + "]" * 100_000,  # line 10: nested beyond the JSON decoder
    ]
    summary = import_catalogue(
        actor=None, path=write_jsonl(tmp_path / "c.jsonl", rows), default_org=world.edu, batch_size=4
    )
    reasons = dict(summary.rejections)
    assert (summary.created, summary.rejected) == (2, 8), reasons
    assert "9999" in reasons[2] and "过长" in reasons[3] and "过长" in reasons[4]
    assert "公开方式" in reasons[5] and "source_id" in reasons[6] and "第1行重复" in reasons[7]
    assert "空字符" in reasons[8] and "嵌套过深" in reasons[10]
    assert Document.objects.get(source_id="src-1").title == "关于第1项工作的通知"
    assert Document.objects.get(source_id="src-9").disclosure_method == "on_application"
    # Run again: nothing new fails, nothing is duplicated.
    again = import_catalogue(actor=None, path=tmp_path / "c.jsonl", default_org=world.edu, restart=True)
    assert again.created == 0 and again.unchanged == 2 and again.rejected == 8


def test_a_gbk_file_is_read_as_gbk(world: World, tmp_path: Path) -> None:
    path = tmp_path / "gbk.jsonl"
    path.write_bytes(json.dumps(line(1, title="关于教育收费的通知"), ensure_ascii=False).encode("gbk") + b"\n")
    summary = import_catalogue(actor=None, path=path, default_org=world.edu)
    assert summary.created == 1 and Document.objects.get().title == "关于教育收费的通知"


def test_a_truncated_gzip_keeps_what_came_before_and_says_where_it_broke(world: World, tmp_path: Path) -> None:
    whole = "".join(json.dumps(line(i), ensure_ascii=False) + "\n" for i in range(1, 400)).encode()
    data = gzip.compress(whole)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(UnreadableFile) as broken:
        import_catalogue(actor=None, path=path, default_org=world.edu, batch_size=50)
    assert broken.value.code == "truncated_file" and "中断" in broken.value.message
    assert Document.objects.count() == ImportRun.objects.get().lines_done > 0
    with pytest.raises(CommandError, match="中断"):
        call_command("catalogue_import", str(path), "--org", world.edu.slug, "--no-progress")


def test_stop_on_error_stops_at_the_bad_line(world: World, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", [line(1), line(2, written_date="9999-12-31"), line(3)])
    with pytest.raises(ImportStopped, match="第2行"):
        import_catalogue(actor=None, path=path, default_org=world.edu, stop_on_error=True)
    assert list(Document.objects.values_list("source_id", flat=True)) == ["src-1"]
    assert ImportRun.objects.get().lines_done == 1  # a fixed file resumes at line 2


def test_an_attachment_with_a_very_long_name_is_stored(world: World, settings: Any) -> None:
    doc = draft(world)
    name = "附" * 120 + ".txt"  # 360 bytes of UTF-8
    att = doc_services.attachment_add(actor=world.user("edu_clerk"), document=doc, name=name, data="正文".encode())
    assert len(att.original_name.encode()) <= 255 and att.original_name.endswith(".txt")
    assert "附" not in att.file.name and Path(settings.MEDIA_ROOT, att.file.name).is_file()


def test_a_line_the_database_refuses_is_rejected_alone_and_the_batch_goes_on(world: World, tmp_path: Path) -> None:
    """A value every check lets through but the database cannot store (a lone surrogate, which no
    UTF-8 text holds) makes the batch's rows be refused together: the batch is then written line by
    line, and only that line is rejected; the others, their search entries and audit events stay."""
    from gongkai.core.audit import verify_chain
    from gongkai.search.query import search

    bad = json.dumps(line(2, title="坏\ud800字"))  # ASCII escapes: the file itself is valid UTF-8
    path = write_jsonl(tmp_path / "d.jsonl", [line(1), bad, line(3)])
    summary = import_catalogue(actor=None, path=path, default_org=world.edu, batch_size=10)
    reasons = dict(summary.rejections)
    assert (summary.created, summary.rejected) == (2, 1) and "数据库拒绝" in reasons[2], reasons
    assert sorted(Document.objects.values_list("source_id", flat=True)) == ["src-1", "src-3"]
    assert {h.document.source_id for h in search("工作的通知").hits} == {"src-1", "src-3"}
    assert verify_chain().first_break is None
