"""Asking for the required values an `add-*` command was not given, in a terminal."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from mou.cli.common import say

if TYPE_CHECKING:
    from mou.add import Option


def ask_missing(root: Path, kind: str, data: dict[str, Any], today: date) -> None:
    """Ask for each missing required value, again until the answer is usable."""
    from mou import add

    choices = add.memorandum_choices(root)
    for option in add.options_for(kind):
        add.apply_defaults(kind, data, today)
        if option.required and option.field not in data:
            data[option.field] = ask_one(option, choices)


def ask_one(option: Option, declared: dict[str, list[str]]) -> object:
    """One value: asked, and asked again until it is usable."""
    if option.shape == "flag":
        return typer.confirm(option.field.replace("_", " ").capitalize(), err=True)
    known = list(option.choices) or (declared.get(option.ref.to, []) if option.ref else [])
    prompt = _prompt(option, known)
    while True:
        answer = typer.prompt(prompt, err=True).strip()
        value, complaint = _answer(option, known, answer)
        if complaint is None:
            return value
        say(f"  {complaint}", err=True)


def _prompt(option: Option, known: list[str]) -> str:
    label = option.field.replace("_", " ").capitalize()
    if option.shape == "date":
        return f"{label} (YYYY-MM-DD)"
    if not known:
        return label
    many = "; separate several with commas" if option.shape == "list" else ""
    return f"{label} ({', '.join(known)}{many})"


def _answer(option: Option, known: list[str], answer: str) -> tuple[object, str | None]:
    """The value of an answer, or why it is not usable."""
    from mou.add import as_date

    many = option.shape == "list"
    values = [part.strip() for part in answer.split(",")] if many else [answer]
    wrong = [value for value in values if known and value not in known]
    if not answer or any(not value for value in values):
        return None, "A value is needed."
    if wrong:
        return None, f"Not one of {', '.join(known)}: {', '.join(wrong)}"
    if option.shape == "date":
        day = as_date(answer)
        if isinstance(day, str):
            return None, f"{answer} is not a date: write it as 2024-03-12."
        return day, None
    if option.shape == "number":
        if not answer.isdigit():
            return None, f"{answer} is not a whole number."
        return int(answer), None
    return (values if many else answer), None
