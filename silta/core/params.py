"""Reading query-string values that anyone can forge."""

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def text_param(request, name: str, max_length: int) -> str:
    """A query-string value without control characters (PostgreSQL refuses NUL), trimmed."""
    return _CONTROL.sub("", request.GET.get(name, "")).strip()[:max_length]


def page_number(request, name: str = "sivu") -> int | None:
    """The page asked for, or None when the value is not a plain page number."""
    raw = request.GET.get(name, "1")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        return None
    return int(raw)
