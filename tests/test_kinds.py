"""The one registry of kinds and the one field walker: what every other module reads."""

from __future__ import annotations

from typing import get_args

import pytest

from mou.fields import Ref, fields, key_of, keys, reference_paths
from mou.kinds import ADDABLE, KINDS, MODELS, kind_named
from mou.models import Contact, Exchange, Meeting, Record


def test_every_record_model_is_registered_once() -> None:
    declared = [get_args(m.model_fields["kind"].annotation)[0] for m in Record.__subclasses__()]
    assert list(KINDS) == declared
    assert all(MODELS[name] is kind.model for name, kind in KINDS.items())
    folders = [KINDS[name].folder for name in ADDABLE]
    assert len(set(folders)) == len(folders) and all(folders)


@pytest.mark.parametrize("name", list(KINDS))
def test_date_and_title_are_keys_of_the_model(name: str) -> None:
    kind = KINDS[name]
    assert kind.date_key in keys(kind.model)
    assert kind.title_field in keys(kind.model)
    assert kind_named(kind.plural) is kind and kind_named(name) is kind


def test_the_file_key_of_an_attribute() -> None:
    assert key_of(Contact, "from_") == "from"
    assert KINDS["contact"].date_key == "from"
    assert [f.key for f in fields(Exchange)][:3] == ["kind", "tags", "notes"]


def test_fields_know_markers_lists_and_nested_models() -> None:
    by_key = {f.key: f for f in fields(Meeting)}
    assert by_key["organizer"].ref == Ref("party")
    assert by_key["title"].localized and not by_key["date"].localized
    assert by_key["observers"].many and by_key["observers"].item[1][-1] == Ref("party")
    assert by_key["arrangement"].optional and not by_key["organizer"].optional
    assert by_key["participants"].model is not None
    assert by_key["participants"].model.__name__ == "Participant"
    paths = dict(reference_paths(Meeting))
    assert paths[(("participants", "participants"), "*", ("party", "party"))] == Ref("party")
