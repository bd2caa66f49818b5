"""Printing HTML to PDF with headless Chromium (Debian's package, installed by make system-deps).

Chromium embeds a subset of every TrueType font the page uses, so the PDF reads the same on any
machine; pages use AR PL UMing (宋体-style) and WenQuanYi Zen Hei (黑体-style) for Chinese.
(Noto CJK, being CFF-based, would come out as Type 3 glyph drawings.) No network: the page is a
local file and Chromium runs with a throw-away profile.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


class RenderError(RuntimeError):
    pass


def chromium_path() -> str | None:
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


def print_html(html: str) -> bytes:
    browser = chromium_path()
    if browser is None:
        raise RenderError("服务器未安装 Chromium，无法生成 PDF；请运行 make system-deps。")
    with tempfile.TemporaryDirectory(prefix="gongkai-pdf-") as tmp:
        src = Path(tmp) / "page.html"
        out = Path(tmp) / "page.pdf"
        src.write_text(html, encoding="utf-8")
        cmd = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--user-data-dir={tmp}/profile",
            f"--print-to-pdf={out}",
            src.as_uri(),
        ]
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=90)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise RenderError("生成 PDF 失败，请稍后重试。") from exc
        if not out.exists() or out.stat().st_size == 0:
            raise RenderError("生成 PDF 失败，请稍后重试。")
        return out.read_bytes()
