"""`mou init`: the files of a new records repository, from the templates beside this file."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from string import Template

from mou.problems import RefusalError, UsageError

HERE = Path(__file__).parent


class ScaffoldError(RefusalError):
    """The repository cannot be made there; the message says why. Nothing was written."""


def memorandum_text(
    title: str, signed: date, place: str, parties: list[str], languages: list[str]
) -> str:
    """The commented memorandum template with the given values filled in."""
    declared, seen = "", set[str]()
    for text in parties:
        party_id, name = _party(text, seen)
        declared += f"\n  - id: {party_id}\n    name: {_quoted(name)}"
    template = Template((HERE / "memorandum.yaml").read_text(encoding="utf-8"))
    return template.substitute(
        title=_quoted(title),
        signed=signed.isoformat(),
        place=_quoted(place),
        languages="[" + ", ".join(languages) + "]",
        parties=declared or " []",
    )


def _party(text: str, seen: set[str]) -> tuple[str, str]:
    """`--party ID=NAME` read and checked as the memorandum's model checks a party."""
    from pydantic import ValidationError

    from mou.load import explain
    from mou.models import PartyDeclaration

    party_id, separator, name = (part.strip() for part in text.partition("="))
    if not separator or not party_id or not name:
        raise UsageError(f"--party {text!r}: expected ID=NAME, e.g. iom=IOM Administration")
    if party_id in seen:
        raise UsageError(f"--party {text!r}: the party `{party_id}` is given twice")
    seen.add(party_id)
    try:
        PartyDeclaration.model_validate({"id": party_id, "name": name})
    except ValidationError as error:
        detail = error.errors()[0]
        raise UsageError(f"--party {text!r}: {explain(detail)}") from None
    return party_id, name


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _memorandum(
    title: str, signed: date, place: str, parties: list[str], languages: list[str]
) -> str:
    """The memorandum's file, formatted (its schema one folder up, in schema/)."""
    from mou.write import FormatError, format_text

    try:
        return format_text(
            memorandum_text(title, signed, place, parties, languages),
            "../schema/record.schema.json",
        )
    except FormatError as error:  # a value that breaks the template: say which
        raise ScaffoldError(f"cannot write the memorandum: {error}") from None


def _folders(prefix: str) -> dict[str, str]:
    """The kind folders of a records root at `prefix`, kept in git by an empty file."""
    from mou.kinds import ADDABLE, KINDS

    return {f"{prefix}{KINDS[kind].folder}/.gitkeep": "" for kind in ADDABLE}


def schema_files() -> dict[str, str]:
    """The JSON Schema of the records, in schema/ (what each memorandum.yaml points to)."""
    from mou.schema import render, schemas

    return {f"schema/{name}": render(schema) for name, schema in schemas().items()}


def _repository(workflow: str) -> dict[str, str]:
    """What every records repository holds besides its records: the JSON Schema, the CI
    `workflow`, dependabot, the pre-commit hook, .gitignore."""
    files = schema_files()
    files[".github/workflows/records.yml"] = workflow
    files[".github/dependabot.yml"] = (HERE / "dependabot.yml").read_text(encoding="utf-8")
    files[".pre-commit-config.yaml"] = (HERE / "pre-commit-config.yaml").read_text("utf-8")
    files[".gitignore"] = (HERE / "gitignore").read_text(encoding="utf-8")
    return files


def _write(directory: Path, files: dict[str, str]) -> tuple[list[str], list[str]]:
    """Write `files` under `directory`; existing files are kept. (written, kept) paths."""
    from mou.write import write_new

    written, kept = [], []
    for name, text in files.items():
        try:
            write_new(directory / name, text)
            written.append(name)
        except FileExistsError:
            kept.append(name)
        except OSError as error:
            raise ScaffoldError(f"cannot write {directory / name}: {error.strerror}") from None
    return written, kept


def scaffold(
    directory: Path,
    *,
    title: str,
    signed: date,
    place: str,
    parties: list[str],
    languages: list[str],
) -> tuple[list[str], list[str]]:
    """Write the repository's files; existing files are kept. (written, kept) paths."""
    records = directory / "records"
    if (records / "memorandum.yaml").exists():
        raise ScaffoldError(
            f"{records / 'memorandum.yaml'} exists: {directory} is already "
            "a records repository; nothing was written"
        )
    memorandum = _memorandum(title, signed, place, parties, languages)
    files: dict[str, str] = {"records/memorandum.yaml": memorandum, **_folders("records/")}
    files.update(_repository((HERE / "records.yml").read_text(encoding="utf-8")))
    return _write(directory, files)
