"""The HTTP response for a letter download, shared by the portal (applicants) and the workbench
(staff); each view decides who may download, this only serves the file."""

from __future__ import annotations

import io

from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase

from gongkai.applications import render
from gongkai.applications.models import Letter


def letter_response(letter: Letter, fmt: str, *, download: bool = False) -> HttpResponseBase:
    try:
        data, filename, content_type = render.download(letter, fmt)
    except render.RenderError as exc:
        return HttpResponse(exc.args[0], status=503, content_type="text/plain; charset=utf-8")
    # PDF opens in the browser, DOCX is saved; a file sent in answer to a form (a logged reveal) is
    # always saved, so that reloading the page does not post the form again.
    return FileResponse(
        io.BytesIO(data), as_attachment=download or fmt == "docx", filename=filename, content_type=content_type
    )
