"""Record-controlled text made safe for where it lands: a terminal, a GitHub Actions log,
Markdown, a URI. Pure string functions with no imports from mou, so that every output layer
can use them; each output goes through the one function for its destination.

- A terminal must never receive a raw control character: C0 (except tab and newline where
  the format allows them), DEL, C1, and the Unicode bidirectional controls that make text
  read differently from what it is (Trojan Source). They are shown as `\\x1b`, `\\u202e`.
- A GitHub Actions log runs any line that starts with `::` (or the legacy `##[`) as a
  workflow command: a plain line never starts with one.
- Markdown: text is escaped for the place it stands (a code span that may hold backticks,
  a table cell, a heading or a list item).
- A URI is percent-encoded (RFC 3986), so that any file name is a valid `uri-reference`.
"""

from __future__ import annotations

import os
import re
from typing import Any
from urllib.parse import quote

# Bidirectional controls (embeddings, overrides, isolates, marks), line/paragraph
# separators that some terminals break on, and the non-characters U+FFFE/U+FFFF.
_INVISIBLE = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff\ufffe\uffff"
_UNSAFE = re.compile(f"[\x00-\x08\x0a-\x1f\x7f-\x9f{_INVISIBLE}]")
_UNSAFE_ONE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_INVISIBLE}]")
_UNSAFE_KEEP_TAB = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_INVISIBLE}]")


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _shown(match: re.Match[str]) -> str:
    character = match.group()
    point = ord(character)
    if character in _NAMED:
        return _NAMED[character]
    return f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}"


def terminal_safe(text: str, *, newlines: bool = False) -> str:
    """`text` with every control and bidi character shown escaped (`\\x1b`, `\\u202e`).

    Tabs are kept; newlines only with `newlines=True` (a format that prints several lines
    of record text); a carriage return is always escaped, so no line can overwrite another.
    """
    pattern = _UNSAFE_KEEP_TAB if newlines else _UNSAFE
    return pattern.sub(_shown, text)


def visible(text: str) -> str:
    """`terminal_safe(text, newlines=True)`, for the many short values of a page: a text with
    no control or bidi character (`str.isprintable` but for tabs and newlines) is returned
    as it is, without a regular expression."""
    if text.isprintable() or ("\xa0" in text and text.replace("\xa0", "").isprintable()):
        return text  # (a no-break space is not "printable", and safe: Russian dates hold one)
    return terminal_safe(text, newlines=True)


def one_line(text: str) -> str:
    """`text` on one line, for a diagnostic or a path: every control character escaped."""
    return _UNSAFE_ONE_LINE.sub(_shown, text)


def has_unsafe(text: str, *, newlines: bool = True) -> bool:
    """Whether `text` holds a character `terminal_safe` would escape (tests use this)."""
    pattern = _UNSAFE_KEEP_TAB if newlines else _UNSAFE
    return pattern.search(text) is not None


def _json_escape(match: re.Match[str]) -> str:
    """A control or bidi character as JSON, CSV and TSV write it: `\\u0007`, `\\u202e`."""
    return f"\\u{ord(match.group()):04x}"


def json_safe(document: str) -> str:
    """A JSON text with every control or bidi character inside its strings written as a
    `\\uXXXX` escape: the same data, and nothing raw reaches a terminal. (JSON's own syntax
    is ASCII, and `json.dumps` already escapes C0, so only strings are touched.)"""
    return _UNSAFE_KEEP_TAB.sub(_json_escape, document)


def _tsv_escape(match: re.Match[str]) -> str:
    return _NAMED.get(match.group()) or _json_escape(match)


def tsv_safe(text: str) -> str:
    """A cell of a tab-separated row ("linear TSV"): backslash doubled; tab, line feed and
    carriage return written `\\t`, `\\n`, `\\r`; every other control or bidi character as
    `\\uXXXX`, as JSON and CSV write it (`json_safe`). Nothing else is changed: a cell that
    starts with `=` stays as it is (TSV is for scripts; CSV, for spreadsheets, neutralises
    it: `tables.csv_cell`)."""
    return _UNSAFE_ONE_LINE.sub(_tsv_escape, text.replace("\\", "\\\\"))


# --- GitHub Actions logs ------------------------------------------------------------------

_COMMAND_START = re.compile(r"^(\s*)(::|##\[)")


def github_plain(line: str) -> str:
    """A plain log line that the runner cannot take for a workflow command."""
    return _COMMAND_START.sub(lambda m: m.group(1) + "\\" + m.group(2), one_line(line))


def github_data(text: str) -> str:
    """The message part of a workflow command (after the second `::`)."""
    escaped = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return terminal_safe(escaped)


def github_property(text: str) -> str:
    """A property value of a workflow command (`file=`, `title=`)."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


# --- Markdown -----------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"[\\`*_\[\]<>|~&]|^[#+-]")
_ORDERED_LIST = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")


def markdown_text(value: object) -> str:
    """Record text made inert in Markdown: one line, every markup character escaped, so it
    cannot break a table, start a heading or a list, or inject a link, image or HTML."""
    text = one_line(" ".join(str(value).split()))
    text = _MARKDOWN_SPECIAL.sub(lambda match: "\\" + match.group(), text)
    return _ORDERED_LIST.sub(r"\1\\\2", text)


def code_span(value: object) -> str:
    """`value` as one Markdown code span, whatever backticks or pipes it holds.

    The fence is one backtick longer than the longest run inside (CommonMark 6.1), padded
    with a space when the text starts or ends with a backtick. A pipe is shown as `¦`: GFM
    splits table cells on `|` even inside code spans.
    """
    text = one_line(" ".join(str(value).split())).replace("|", "¦")
    if not text:
        return "` `"
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def markdown_message(value: object) -> str:
    """A diagnostic message in Markdown: what it quotes in backticks (ids, fields, values)
    as code spans, fenced to hold any backticks of their own; the rest escaped as
    `markdown_text` escapes it."""
    text = " ".join(one_line(str(value)).split())
    parts, last = [], 0
    for quoted in re.finditer(r"`([^`]+)`", text):
        parts.append(_MARKDOWN_SPECIAL.sub(lambda m: "\\" + m.group(), text[last : quoted.start()]))
        parts.append(code_span(quoted.group(1)))
        last = quoted.end()
    parts.append(_MARKDOWN_SPECIAL.sub(lambda m: "\\" + m.group(), text[last:]))
    return "".join(parts)


def console_style() -> dict[str, Any]:
    """rich Console options for the user's wishes: with NO_COLOR set (https://no-color.org),
    no escape sequence at all (rich alone drops colours but keeps bold and underline)."""
    return {"color_system": None} if os.environ.get("NO_COLOR") else {}


# --- URIs ---------------------------------------------------------------------------------


def uri_path(path: str) -> str:
    """A relative POSIX path as an RFC 3986 `uri-reference`: every byte outside the
    unreserved set and `/` percent-encoded (UTF-8), so `:` `%` spaces, Cyrillic and line
    breaks all stay valid."""
    return quote(path, safe="/", encoding="utf-8", errors="surrogatepass")
