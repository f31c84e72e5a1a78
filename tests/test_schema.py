"""The JSON Schema from `mou schema`: committed, current, and as strict as the models where
JSON Schema can say it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import CASES, REPO
from mou.kinds import MODELS as KINDS
from mou.parse import parse
from mou.schema import render, schemas

VALID_FILES = sorted(
    [*(CASES / "clean").rglob("*.yaml"), *(REPO / "records").rglob("*.yaml"),
     *(REPO / "examples" / "demo").rglob("*.yaml")]
)  # fmt: skip


def _validator() -> jsonschema.Draft202012Validator:
    schema = schemas()["record.schema.json"]
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _read(text: str) -> Any:
    return parse(text.encode(), "f.yaml").value


def test_committed_schema_is_current() -> None:
    for name, schema in schemas().items():
        committed = REPO / "schema" / name
        assert committed.read_text(encoding="utf-8") == render(schema), (
            f"schema/{name} is out of date: run `make schema`"
        )


@pytest.mark.parametrize("path", VALID_FILES, ids=lambda p: str(Path(p).relative_to(REPO)))
def test_valid_records_pass_the_schema(path: Path) -> None:
    errors = list(_validator().iter_errors(_read(path.read_text(encoding="utf-8"))))
    assert not errors, [error.message for error in errors]


EXCHANGE = "kind: exchange\ndate: 2024-01-01\nfrom: cis\nto: iom\nsubject: S\npublic_domain: true\n"
ARRANGEMENT = """kind: arrangement
title: A
date: 2024-01-01
status: signed
expenses:
  - {item: I, payer: cis, amount: AMOUNT, currency: USD, status: paid}
"""

INVALID = {
    "unknown field": EXCHANGE + "organiser: cis\n",
    "missing field": EXCHANGE.replace("subject: S\n", ""),
    "bad enum": EXCHANGE.replace("kind: exchange\n", "kind: meeting\ntype: talks\n"),
    "bad date": EXCHANGE.replace("2024-01-01", "2024-13-45"),
    "yes is not a boolean": EXCHANGE.replace("public_domain: true", "public_domain: yes"),
    "empty localized text": EXCHANGE.replace("subject: S", "subject: {}"),
    "bad party id": EXCHANGE.replace("from: cis", "from: CIS Executive Committee"),
    "amount with a comma": ARRANGEMENT.replace("AMOUNT", '"12,50"'),
    "negative amount": ARRANGEMENT.replace("AMOUNT", '"-5"'),
    "amount as a word": ARRANGEMENT.replace("AMOUNT", "many"),
    "zero amount": ARRANGEMENT.replace("AMOUNT", '"0.00"'),
    "unknown kind": "kind: meeting-notes\n",
}


@pytest.mark.parametrize("name", sorted(INVALID))
def test_schema_rejects_what_the_models_reject(name: str) -> None:
    value = _read(INVALID[name])
    assert list(_validator().iter_errors(value)), f"the schema accepts: {name}"
    model = KINDS.get(value.get("kind"))
    if model is not None:
        with pytest.raises(ValueError):
            model.model_validate(value)


# What mou checks of one file, whatever the other files say: its YAML and model (`load`), and
# the per-file rules the schema can state (ISO codes, a currency's decimals, url or path).
AS_OF = date(2025, 6, 1)
ONE_FILE = ("ISO 4217", "ISO 3166", "decimal place", "`url` or its `path`")
CASE_FILES = sorted(
    path
    for case in CASES.iterdir()
    if case.is_dir() and not case.name.startswith("_")
    for path in case.rglob("*.yaml")
)


def _mou_verdicts() -> dict[Path, bool]:
    """Each case file → whether mou finds it wrong on its own."""
    import tempfile

    from conftest import case_tree
    from mou.checks import run_checks
    from mou.load import load

    verdicts: dict[Path, bool] = {}
    with tempfile.TemporaryDirectory() as folder:
        for case in sorted({p.relative_to(CASES).parts[0] for p in CASE_FILES}):
            root = case_tree(case, Path(folder) / case)
            records = load(root)
            problems = [
                *records.problems,
                *(
                    p
                    for p in run_checks(records, date(2025, 6, 1))
                    if any(w in p.message for w in ONE_FILE)
                ),
            ]
            wrong = {p.path for p in problems}
            for path in CASE_FILES:
                if path.relative_to(CASES).parts[0] == case:
                    verdicts[path] = str(path.relative_to(CASES / case)) in wrong
    return verdicts


def test_the_schema_and_the_per_file_checks_agree_on_every_case_file() -> None:
    """Over tests/cases: a file the schema accepts is one mou finds nothing wrong with on its
    own, and the other way round. Left out: files that are not one YAML mapping, or that YAML
    readers disagree on (duplicate keys, MOU001-MOU004): no schema sees what is in them."""
    disagree = []
    for path, wrong in _mou_verdicts().items():
        parsed = parse(path.read_bytes(), path.name)
        value = parsed.value
        if not isinstance(value, dict) or parsed.problems:
            continue
        errors = [e.message[:80] for e in _validator().iter_errors(value)]
        if bool(errors) != wrong:
            disagree.append((str(path.relative_to(CASES)), "mou" if wrong else "schema", errors))
    assert disagree == []
