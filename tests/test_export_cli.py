"""`mou export sqlite` on the command line: it writes the database and Datasette's metadata,
Datasette reads both, the figures are those of `mou review` and `mou list`, a re-run replaces
the file whole, and what is not a regular file is refused before anything is written."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO, Run, datasette_get

DEMO = str(REPO / "examples" / "demo")
AS_OF = "2025-12-31"


def export(run: Run, *args: str) -> Any:
    return run("--records", DEMO, "export", "sqlite", *args, "--as-of", AS_OF)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from typer.testing import CliRunner

    from mou.cli import app

    folder = tmp_path_factory.mktemp("export")
    target = folder / "record.db"
    result = CliRunner().invoke(
        app, ["--records", DEMO, "export", "sqlite", str(target), "--as-of", AS_OF]
    )
    assert result.exit_code == 0, result.output
    assert f"wrote {target}" in result.output
    return target


def test_datasette_reads_the_export_with_its_metadata(exported: Path, run: Run) -> None:
    described = yaml.safe_load((exported.parent / "metadata.yaml").read_text(encoding="utf-8"))

    def ask(path: str) -> Any:
        return datasette_get(exported, described, path)

    rows = ask("/record/clause_activity_in_year.json?year=2024&_shape=array")
    review = json.loads(
        run(
            "--records", DEMO, "review", "--period", "2024", "--as-of", AS_OF, "--format", "json"
        ).stdout
    )
    assert rows == [{"clause": c["id"], "records": c["count"]} for c in review["clauses"]]
    found = ask("/record/search.json?text=bulletin&_shape=array")
    assert {row["id"] for row in found} >= {"2024-01-18-cis-bulletin-2023"}
    meta = ask("/-/metadata.json")
    assert meta["databases"]["record"]["tables"]["expenses"]["description"]


@pytest.mark.parametrize("kind", ["meeting", "seminar", "exchange", "contact", "activity"])
def test_every_record_of_mou_list_is_a_row(exported: Path, run: Run, kind: str) -> None:
    listed = json.loads(run("--records", DEMO, "list", kind, "--format", "json").stdout)
    table = {"activity": "activities"}.get(kind, f"{kind}s")
    with sqlite3.connect(exported) as connection:
        ids = [row[0] for row in connection.execute(f"SELECT id FROM {table}")]
        dated = [
            row[0]
            for row in connection.execute(
                "SELECT id FROM records WHERE kind = ? ORDER BY date, id", (kind,)
            )
        ]
    assert sorted(ids) == sorted(record["id"] for record in listed)
    assert dated == [record["id"] for record in listed]


def test_a_rerun_replaces_the_file_whole_and_the_same(exported: Path, run: Run) -> None:
    before = exported.read_bytes()
    inode = exported.stat().st_ino
    assert export(run, str(exported)).exit_code == 0
    assert exported.read_bytes() == before  # deterministic
    assert exported.stat().st_ino != inode  # a new file renamed over the old one
    assert sorted(p.name for p in exported.parent.iterdir()) == ["metadata.yaml", "record.db"]


def test_a_failed_run_leaves_the_old_file(tmp_path: Path, run: Run) -> None:
    target = tmp_path / "record.db"
    target.write_bytes(b"the old database")
    (tmp_path / "records").mkdir()
    (tmp_path / "records" / "memorandum.yaml").write_text("kind: memorandum\n", encoding="utf-8")
    result = run("--records", str(tmp_path / "records"), "export", "sqlite", str(target))
    assert result.exit_code == 1
    assert "no readable memorandum" in result.output
    assert target.read_bytes() == b"the old database"
    assert not (tmp_path / "metadata.yaml").exists()


@pytest.mark.parametrize("where", ["folder", "fifo", "device", "same"])
def test_what_is_not_a_regular_file_is_refused(tmp_path: Path, run: Run, where: str) -> None:
    target = tmp_path / "record.db"
    options: list[str] = []
    if where == "folder":
        target.mkdir()
    elif where == "fifo":
        os.mkfifo(tmp_path / "pipe")
        options = ["--metadata", str(tmp_path / "pipe")]
    elif where == "device":
        target = Path(os.devnull)
    else:
        options = ["--metadata", str(target)]
    result = export(run, str(target), *options)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "metadata.yaml").exists()
    assert where == "folder" or not (tmp_path / "record.db").exists()


def test_contact_details_only_when_asked(tmp_path: Path, run: Run) -> None:
    def emails(*options: str) -> set[Any]:
        target = tmp_path / "contacts.db"
        assert export(run, str(target), *options).exit_code == 0
        with sqlite3.connect(target) as connection:
            return {row[0] for row in connection.execute("SELECT email FROM contacts")}

    assert emails() == {None}
    assert None not in emails("--include-contact-details")
