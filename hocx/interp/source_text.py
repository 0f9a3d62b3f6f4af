"""Source files as text: UTF-8, with nrniv's tolerance for other bytes in comments and strings."""
from __future__ import annotations

from ..errors import HocSyntaxError, Span


def _quoted_or_commented(text: str) -> list[bool]:
    """For each character of HOC source: is it inside a comment or a string literal?"""
    inside = [False] * len(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "/" and text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
        elif c == "/" and text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
        elif c == '"':
            j = i + 1
            while j < n and text[j] not in '"\n':
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
        else:
            i += 1
            continue
        inside[i:j] = [True] * (j - i)
        i = j
    return inside


def decode_source(raw: bytes, path: str) -> str:
    """A source file's text.  Bytes that are not UTF-8 are accepted inside comments and
    strings (as nrniv, which passes them through; they are read as Latin-1, the usual
    encoding of old models' comments); anywhere else they are an error naming where they
    are (nrniv: "character \\377 at position 6 is not printable"), never a silent U+FFFD."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = raw.decode("utf-8", errors="surrogateescape")
    inside = _quoted_or_commented(text)
    bad = [k for k, ch in enumerate(text) if "\udc80" <= ch <= "\udcff"]
    outside = [k for k in bad if not inside[k]]
    if not outside:
        return "".join(chr(ord(ch) - 0xDC00) if "\udc80" <= ch <= "\udcff" else ch for ch in text)
    k = outside[0]
    offset = len(text[:k].encode("utf-8", errors="surrogateescape"))
    line = text.count("\n", 0, k) + 1
    start = text.rfind("\n", 0, k) + 1
    end = text.find("\n", k)
    src = text[start:end if end >= 0 else len(text)].encode("utf-8", errors="surrogateescape")
    byte = raw[offset]
    raise HocSyntaxError(
        f"invalid UTF-8 byte \\{byte:03o} (0x{byte:02x}) at byte offset {offset}",
        Span(path, line, k - start + 1), source_line=src.decode("utf-8", errors="replace"),
        hint="hocx reads source files as UTF-8 (other bytes only inside comments and strings); "
             "re-save the file as UTF-8")
