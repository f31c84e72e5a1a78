"""The reader: YAML 1.2 core schema, exact decimals, positions in characters."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from mou.parse import locate, parse, resolve_plain


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("no", "no"),  # YAML 1.1 would say False
        ("on", "on"),
        ("yes", "yes"),
        ("true", True),
        ("False", False),
        ("010", 10),  # YAML 1.1 would say 8
        ("0o17", 15),
        ("0x1F", 31),
        ("12500.50", Decimal("12500.50")),  # never float
        ("0.1", Decimal("0.1")),
        ("1e3", Decimal("1e3")),
        (".inf", Decimal("Infinity")),
        ("~", None),
        ("", None),
        ("null", None),
        ("2024-03-12", "2024-03-12"),  # dates stay text; the models read them
        ("1.2.3", "1.2.3"),
        ("-", "-"),
    ],
)
def test_plain_scalars_follow_yaml_1_2(text: str, value: object) -> None:
    resolved = resolve_plain(text)
    assert resolved == value
    assert type(resolved) is type(value)


def test_quoted_scalars_are_text() -> None:
    parsed = parse(b"a: '010'\nb: \"true\"\nc: !!str 5\n", "f.yaml")
    assert parsed.value == {"a": "010", "b": "true", "c": "5"}


def test_keys_are_text_whatever_they_look_like() -> None:
    parsed = parse(b"on: 1\n1: 2\nnull: 3\n", "f.yaml")
    assert parsed.value == {"on": 1, "1": 2, "null": 3}


def test_positions_count_characters_not_bytes() -> None:
    parsed = parse("title: {ru: Консультации, en: Talks}\n".encode(), "f.yaml")
    # "Talks" is the 31st character of the line (0-based 30), whatever the bytes before it.
    assert locate(parsed.positions, ("title", "en")) == (0, 30)
    assert locate(parsed.positions, ("title", "en"), key=True) == (0, 26)


def test_locate_falls_back_to_the_nearest_node() -> None:
    parsed = parse(b"a:\n  - b: 1\n", "f.yaml")
    assert locate(parsed.positions, ("a", 0, "missing")) == (1, 4)
    assert locate(parsed.positions, ("a", 5)) == (1, 2)
    assert locate(parsed.positions, ("nothing",)) == (0, 0)


def test_fast_path_and_positions_path_read_the_same() -> None:
    data = "kind: meeting\ntitle: {en: A, ru: Б}\nlist: [1, 2.5, x]\n".encode()
    assert parse(data, "f", positions=False).value == parse(data, "f").value
    assert parse(data, "f", positions=False).positions is None


def test_utf8_bom_is_accepted() -> None:
    assert parse(b"\xef\xbb\xbfkind: x\n", "f.yaml").value == {"kind": "x"}


def test_more_than_one_document_is_refused() -> None:
    parsed = parse(b"a: 1\n---\nb: 2\n", "f.yaml")
    assert [(p.code, p.line) for p in parsed.problems] == [("MOU001", 2)]


# Printable text: control characters such as NEL are line breaks to YAML 1.1 writers. Text
# that only YAML 1.2 reads as a number (0E0) is left out: PyYAML, a YAML 1.1 writer, does not
# quote it (mou's own writer does: see test_write.py).
printable = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=20).filter(
    lambda text: isinstance(resolve_plain(text), str) or text == ""
)
text_values = st.recursive(
    st.none() | st.booleans() | st.integers() | printable,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=8),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@given(text_values)
def test_reads_back_what_a_yaml_1_2_compatible_dump_writes(value: object) -> None:
    # PyYAML's safe_dump quotes every string that YAML 1.1 would read as something else,
    # which is a superset of what YAML 1.2 needs; keys must be text for a record.
    document = {"value": value}
    data = yaml.safe_dump(document, allow_unicode=True).encode()
    parsed = parse(data, "f.yaml")
    assert not parsed.problems
    assert parsed.value == _keys_as_text(document)


def _keys_as_text(value: object) -> object:
    if isinstance(value, dict):
        return {str(k): _keys_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_keys_as_text(v) for v in value]
    return value
