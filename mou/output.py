"""Diagnostics as text, GitHub workflow commands, JSON and SARIF 2.1.0 (SPEC §4)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from mou import __version__
from mou.escape import github_data, github_plain, github_property, json_safe, one_line, uri_path
from mou.problems import CODES, N_, NT, Problem, Severity, T, catalog, render


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


def summary(problems: Sequence[Problem], files: int, language: str = "en") -> str:
    errors, warnings = counts(problems)
    in_files = NT("in {n} file", "in {n} files", files)
    if not problems:
        text = T(N_("No problems {files}."), files=in_files)
    else:
        text = T(
            N_("{errors}, {warnings} {files}."),
            errors=NT("{n} error", "{n} errors", errors),
            warnings=NT("{n} warning", "{n} warnings", warnings),
            files=in_files,
        )
    return text if language == "en" else render(text.words(), catalog(language))


def as_text(problems: Sequence[Problem], root: Path, files: int, language: str = "en") -> str:
    """One line a problem (`path:line:column: severity code message`), then the summary, in
    `language`; paths and messages shown escaped (`\\x1b`, `\\n`), so that no record text or
    file name reaches the terminal raw or breaks the line."""
    words = catalog(language)
    lines = [
        f"{one_line(display_path(root, p.path))}:{p.line}:{p.column}: {words.gettext(p.severity)} "
        f"{p.code} {one_line(p.text(language))}"
        for p in problems
    ]
    return "\n".join([*lines, summary(problems, files, language)]) + "\n"


def as_github(problems: Sequence[Problem], root: Path, files: int) -> str:
    """Workflow commands that annotate the pull request's diff, then the plain text lines,
    none of which can start a workflow command of its own."""
    commands = [
        f"::{p.severity} file={github_property(display_path(root, p.path))},line={p.line},"
        f"col={p.column},title={github_property(p.code)}::{github_data(p.message)}"
        for p in problems
    ]
    plain = [github_plain(line) for line in as_text(problems, root, files).splitlines()]
    return "\n".join([*commands, *plain]) + "\n"


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
    return json_safe(json.dumps(document, ensure_ascii=False, indent=2)) + "\n"


def source_root(root: Path) -> Path:
    """What SARIF's `%SRCROOT%` stands for: the git top level holding the records root (the
    repository code scanning knows), else the records root's parent."""
    start = Path(os.path.abspath(root))
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start.parent


def as_sarif(problems: Sequence[Problem], root: Path, files: int) -> str:
    """SARIF 2.1.0: one rule per code; each URI percent-encoded (RFC 3986) and relative to
    `source_root`, the same wherever mou is run from."""
    base = source_root(root)
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
                            "uri": uri_path(os.path.relpath(root / p.path, base)),
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
    return json_safe(json.dumps(document, ensure_ascii=False, indent=2)) + "\n"


FORMATTERS: dict[str, Callable[[Sequence[Problem], Path, int], str]] = {
    "text": as_text,
    "github": as_github,
    "json": as_json,
    "sarif": as_sarif,
}
