"""Request parsers of the API. Every endpoint takes a JSON object (or a form); a body that is valid
JSON but not an object (a list, a string, a number) is refused as malformed instead of reaching a
view that would call ``.get`` on it, and so is JSON nested deeper than Python's decoder can follow
(``[[[[…`` a hundred thousand deep raises RecursionError, which DRF's parser lets through)."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class ObjectJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("请求内容嵌套过深，无法解析。") from None
        if not isinstance(data, dict):
            raise ParseError("请求内容应为 JSON 对象。")
        return data
