"""Diagnostics as text, GitHub workflow commands, JSON and SARIF 2.1.0 (SPEC §4)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from mou import __version__
from mou.problems import CODES, Problem, Severity


def counts(problems: Sequence[Problem]) -> tuple[int, int]:
    errors = sum(1 for problem in problems if problem.severity is Severity.ERROR)
    return errors, len(problems) - errors


def display_path(root: Path, path: str) -> str:
    """A problem's path as the user can open it: relative to the current folder when inside it.

    Symbolic links are not resolved: the path is the one the user has in the tree.
    """
    full = os.path.abspath(root / path)
    relative = os.path.relpath(full, os.getcwd())
    shown = full if relative == ".." or relative.startswith(".." + os.sep) else relative
    return shown.replace(os.sep, "/")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary(problems: Sequence[Problem], files: int) -> str:
    errors, warnings = counts(problems)
    checked = f"in {_plural(files, 'file')}"
    if not problems:
        return f"No problems {checked}."
    return f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')} {checked}."


def _one_line(text: str) -> str:
    """Record values can hold line breaks; one diagnostic stays on one line."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


def as_text(problems: Sequence[Problem], root: Path, files: int) -> str:
    lines = [
        f"{display_path(root, p.path)}:{p.line}:{p.column}: {p.severity} {p.code} "
        f"{_one_line(p.message)}"
        for p in problems
    ]
    return "\n".join([*lines, summary(problems, files)]) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(problems: Sequence[Problem], root: Path, files: int) -> str:
    """Workflow commands that annotate the pull request's diff, then the plain text lines."""
    commands = [
        f"::{p.severity} file={_escape_property(display_path(root, p.path))},line={p.line},"
        f"col={p.column},title={_escape_property(p.code)}::{_escape_data(p.message)}"
        for p in problems
    ]
    return "\n".join([*commands, as_text(problems, root, files)])


def diagnostic(problem: Problem) -> dict[str, Any]:
    """One problem as JSON data; `path` relative to the records root."""
    return {
        "severity": str(problem.severity),
        "code": problem.code,
        "message": problem.message,
        "path": problem.path,
        "line": problem.line,
        "column": problem.column,
        "record": problem.record,
    }


def as_json(problems: Sequence[Problem], root: Path, files: int) -> str:
    errors, warnings = counts(problems)
    document = {
        "errors": errors,
        "warnings": warnings,
        "diagnostics": [diagnostic(p) for p in problems],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def as_sarif(problems: Sequence[Problem], root: Path, files: int) -> str:
    """SARIF 2.1.0: one rule per code, URIs relative to the current folder (the repository)."""
    rule_index = {code: index for index, code in enumerate(CODES)}
    levels = {Severity.ERROR: "error", Severity.WARNING: "warning"}
    rules: list[dict[str, Any]] = [
        {
            "id": code.code,
            "shortDescription": {"text": code.title},
            "fullDescription": {"text": code.explanation},
            "defaultConfiguration": {"level": levels[code.severity]},
            "help": {"text": code.explanation},
        }
        for code in CODES.values()
    ]
    results = [
        {
            "ruleId": p.code,
            "ruleIndex": rule_index[p.code],
            "level": levels[p.severity],
            "message": {"text": p.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": display_path(root, p.path),
                            "uriBaseId": "%SRCROOT%",
                        },
                        "region": {"startLine": p.line, "startColumn": p.column},
                    }
                }
            ],
        }
        for p in problems
    ]
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "mou", "version": __version__, "rules": rules}},
                "results": results,
            }
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


FORMATTERS: dict[str, Callable[[Sequence[Problem], Path, int], str]] = {
    "text": as_text,
    "github": as_github,
    "json": as_json,
    "sarif": as_sarif,
}


# --- records and action items (mou list, mou actions) ---------------------------------------

CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")


def csv_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet cannot take for a formula (OWASP's advice: text starting
    with = + - @ tab CR LF or NUL gets a leading apostrophe). Numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        value = "; ".join(str(v) for v in value)
    elif isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    return "'" + text if text.startswith(CSV_TRIGGERS) else text


def as_csv(rows: Sequence[dict[str, Any]], leading: Sequence[str] = ()) -> str:
    """RFC 4180 CSV (CRLF line ends, quoting as needed): one row per dict, the columns in
    first-seen order after `leading`."""
    import csv
    import io

    columns = list(dict.fromkeys([*leading, *(key for row in rows for key in row)]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(column)) for column in columns])
    return buffer.getvalue()


def as_table(
    title: str | None,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    keep: Sequence[int] = (),
) -> Any:
    """A rich table fitted to the terminal: long text wraps, nothing is cut, and the columns
    whose positions are in `keep` (dates, ids) are never broken across lines."""
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_lines=False, header_style="bold")
    for index, column in enumerate(columns):
        table.add_column(column, overflow="fold", no_wrap=index in keep)
    for row in rows:
        table.add_row(*row)
    return table


def print_rich(renderable: Any) -> None:
    from rich.console import Console

    Console(highlight=False).print(renderable)


# --- Markdown safety ---------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~]|^[#+-])")


def markdown_text(value: object) -> str:
    """Record text made inert in Markdown: one line, markup characters escaped, so that a title
    cannot break a table, start a heading, or inject a link, image or HTML."""
    text = " ".join(str(value).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


# --- mou diff -------------------------------------------------------------------------------


def _value(value: Any) -> str:
    """A field's value on one line, for a change summary."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def difference_text(difference: Any, output_format: str, base: str, head: str) -> str:
    """A difference (queries.Difference) as Markdown for a pull request, text, or JSON."""
    changes = difference.changes
    if output_format == "json":
        document = {
            "base": base,
            "head": head,
            "changes": [
                {
                    "id": c.id,
                    "kind": c.kind,
                    "path": c.path,
                    "change": c.change,
                    "fields": [{"field": f, "before": b, "after": a} for f, b, a in c.fields],
                }
                for c in changes
            ],
            "new_findings": [diagnostic(p) for p in difference.new_findings],
            "resolved_findings": [diagnostic(p) for p in difference.resolved_findings],
        }
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    markdown = output_format == "md"

    def code(text: str) -> str:
        return f"`{text}`" if markdown else text

    def cell(value: Any) -> str:
        text = " ".join(_value(value).split())
        if not markdown:
            return text
        if "`" not in text:
            return f"`{text}`"
        return markdown_text(text)

    counts = {
        kind: sum(1 for c in changes if c.change == kind)
        for kind in ("added", "changed", "removed")
    }
    lines = [f"{'## ' if markdown else ''}Record changes: {base} → {head}", ""]
    if not changes:
        lines.append("No record changed.")
    else:
        lines.append(", ".join(f"{n} {kind}" for kind, n in counts.items() if n) + ".")
    for change in changes:
        lines.append("")
        lines.append(
            f"{'- ' if markdown else ''}{change.change}: {code(change.path)} ({change.kind})"
        )
        for field, before, after in change.fields:
            prefix = "  - " if markdown else "    "
            lines.append(f"{prefix}{code(field)}: {cell(before)} → {cell(after)}")
    for title, problems in (
        ("New findings", difference.new_findings),
        ("Findings resolved", difference.resolved_findings),
    ):
        if problems:
            lines += ["", f"{'### ' if markdown else ''}{title}", ""]
            for p in problems:
                message = p.message if not markdown else markdown_text(p.message)
                lines.append(
                    f"{'- ' if markdown else ''}{p.severity} {p.code} "
                    f"{code(f'{p.path}:{p.line}')}: {message}"
                )
    return "\n".join(lines) + "\n"
