"""The writer: generated records of every kind round-trip through the canonical YAML, `mou fmt`
changes nothing in what it wrote, and a YAML 1.1 reader sees the same values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mou.kinds import MODELS as KINDS
from mou.load import build_entry
from mou.read import read_and_parse
from mou.write import format_text, render_record, write_new

# Text as people type it, with what YAML likes to misread: words YAML 1.1 takes for
# booleans or numbers, dates, colons, quotes, hashes, Cyrillic.
# fmt: off
TRICKY = ["no", "on", "yes", "off", "010", "0x1F", "1e3", "2024-03-12", "null", "~", "true",
          "12:30", "a: b", "#hash", "'quoted'", '"double"', "- dash", "[x]", "{y}", "%pct",
          "@at", "`tick`", "Консультации в Минске", "Ёлка: ёж"]
words = st.text(
    st.characters(whitelist_categories=("L", "N", "P", "Zs", "S"), max_codepoint=0x4FF),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() == s and s.strip() != "")
# fmt: on
text = st.one_of(st.sampled_from(TRICKY), words)
localized = st.one_of(text, st.fixed_dictionaries({"en": text, "ru": text}))
multiline = st.one_of(localized, st.lists(words, min_size=2, max_size=3).map("\n".join))
day = st.dates(date(2008, 9, 19), date(2030, 12, 31))
party = st.sampled_from(["cis", "iom"])
state = st.sampled_from(["ARM", "KAZ", "RUS"])
topic = st.sampled_from(["irregular-migration", "trafficking-in-human-beings"])
slug = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)
amount = st.decimals(Decimal("0.01"), Decimal("99999999.99"), places=2).map(str)


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def record(kind: str, **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """A record of `kind`: fields whose strategy gives None are left out."""
    common = {
        "tags": optional(st.lists(text, min_size=1, max_size=3)),
        "notes": optional(multiline),
    }
    return st.fixed_dictionaries({**fields, **common}).map(
        lambda data: {"kind": kind, **{k: v for k, v in data.items() if v is not None}}
    )


# fmt: off
RECORDS = {
    "meeting": record(
        "meeting",
        type=st.sampled_from(["consultation", "representation", "review", "other"]),
        title=localized, date=day, status=st.sampled_from(["planned", "held", "cancelled"]),
        location=localized, format=st.sampled_from(["in-person", "online", "hybrid"]),
        organizer=party, observers=optional(st.lists(party, min_size=1, max_size=2)),
        participants=optional(st.lists(st.fixed_dictionaries(
            {"name": localized, "party": party}, optional={"role": text}), min_size=1,
            max_size=2)),
        agenda=optional(st.lists(localized, min_size=1, max_size=3)), summary=optional(multiline),
        actions=optional(st.lists(st.fixed_dictionaries(
            {"id": slug, "text": localized, "owner": party,
             "status": st.sampled_from(["open", "done", "dropped"])}, optional={"due": day}),
            min_size=1, max_size=2)),
    ),
    "seminar": record(
        "seminar", form=st.sampled_from(["seminar", "workshop", "round-table"]), title=localized,
        date=day, status=st.sampled_from(["planned", "held"]), location=localized,
        format=st.sampled_from(["online", "hybrid"]),
        organizers=st.lists(party, min_size=1, max_size=2),
        topics=st.lists(topic, min_size=1, max_size=2),
        participants_count=optional(st.integers(0, 500)), states=optional(st.lists(state)),
    ),
    "exchange": record(
        "exchange", date=day, **{"from": party}, to=party, subject=localized,
        public_domain=st.booleans(), channel=optional(text),
        items=optional(st.lists(st.fixed_dictionaries({"title": localized}, optional={
            "url": st.just("https://example.org/a.pdf"),
            "language": st.sampled_from(["en", "ru"])}), min_size=1, max_size=2)),
    ),
    "request": record(
        "request", date=day, requested_by=party, addressed_to=party, subject=localized,
        status=st.sampled_from(["open", "accepted", "in-progress", "delivered"]),
        responded_on=optional(day), outcome=optional(multiline),
    ),
    "programme": record(
        "programme", title=localized, start=day, end=optional(day),
        status=st.sampled_from(["proposed", "active", "completed"]),
        lead=st.lists(party, min_size=1, max_size=2), states=optional(st.lists(state)),
        objectives=optional(st.lists(localized, min_size=1, max_size=2)),
        scope=optional(st.just("bilateral")),
    ),
    "arrangement": record(
        "arrangement", title=localized, date=day,
        status=st.sampled_from(["draft", "signed", "closed"]),
        covers=optional(st.lists(slug, min_size=1, max_size=2)),
        conditions=optional(st.dictionaries(party, localized, min_size=1)),
        expenses=optional(st.lists(st.fixed_dictionaries(
            {"item": localized, "payer": party, "amount": amount,
             "currency": st.sampled_from(["USD", "EUR", "RUB"]),
             "status": st.sampled_from(["planned", "committed", "paid"])},
            optional={"date": day}), min_size=1, max_size=3)),
    ),
    "contact": record(
        "contact", party=party, name=localized, position=optional(localized),
        email=optional(st.just("someone@example.org")), phone=optional(st.just("+7 495 000")),
        **{"from": day}, to=optional(day),
    ),
    "activity": record(
        "activity", clause=st.sampled_from(["1.1", "2"]), title=localized, date=day,
        parties=optional(st.lists(party, min_size=1, max_size=2)),
        states=optional(st.lists(state, max_size=2)), summary=optional(multiline),
    ),
}
# fmt: on


@pytest.mark.parametrize("kind", sorted(RECORDS))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_written_records_load_back_equal(kind: str, data: st.DataObject) -> None:
    fields = data.draw(RECORDS[kind])
    text = render_record(fields, "../schema/record.schema.json")
    path = f"{kind}s/x.yaml"
    value, problems = read_and_parse(Path("."), path, text.encode("utf-8"))
    assert not problems, text
    from mou.load import RecordSet

    entry, _, problems = build_entry(RecordSet(Path(".")), path, value, problems)
    assert not problems, (text, problems)
    assert entry is not None
    assert entry.model == KINDS[kind].model_validate(fields)
    assert format_text(text, "../schema/record.schema.json") == text
    assert yaml.safe_load(text) == fields  # YAML 1.1 (PyYAML) reads the same values


def test_written_files_keep_or_get_ordinary_permissions(tmp_path: Path) -> None:
    import os

    from mou.write import write_text

    umask = os.umask(0o022)
    try:
        write_new(tmp_path / "new.yaml", "kind: x\n")
        assert (tmp_path / "new.yaml").stat().st_mode & 0o777 == 0o644
        (tmp_path / "old.yaml").write_text("kind: x\n")
        (tmp_path / "old.yaml").chmod(0o640)
        write_text(tmp_path / "old.yaml", "kind: y\n")
        assert (tmp_path / "old.yaml").stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(umask)


def test_write_new_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "a.yaml"
    write_new(target, "kind: x\n")
    with pytest.raises(FileExistsError):
        write_new(target, "kind: y\n")
    assert target.read_text() == "kind: x\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.yaml"]  # no temporary file left


def test_the_schema_is_looked_up_only_inside_the_records_repository(tmp_path: Path) -> None:
    """A stray `schema/` above the repository is not the record's (the suite stays hermetic)."""
    from mou.write import SCHEMA_FILE, schema_reference

    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / SCHEMA_FILE).write_text("{}", encoding="utf-8")
    outside_git = tmp_path / "a" / "b" / "records"
    outside_git.mkdir(parents=True)
    assert schema_reference(outside_git, "meetings/x.yaml") == "../../schema/record.schema.json"
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)
    (repository / "schema").mkdir()
    (repository / "schema" / SCHEMA_FILE).write_text("{}", encoding="utf-8")
    nested = repository / "deep" / "records"
    nested.mkdir(parents=True)
    assert schema_reference(nested, "memorandum.yaml") == "../../schema/record.schema.json"
    bare = tmp_path / "bare"
    (bare / ".git").mkdir(parents=True)
    (bare / "records").mkdir()
    assert schema_reference(bare / "records", "x.yaml") == "../schema/record.schema.json"
