"""`mou set memorandum ...` on the memorandum's life fields (entry_into_force, term, expires,
renewal, renewal_term, notice, amendments, terminated): each written in place, comments and
the other lines kept; a bad value refused with its coded, located message (MOU102 for a
value of the wrong form, MOU309 for dates out of order, MOU310 for fields that do not fit)
and the file left as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Run, case_tree


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return case_tree("life-illustrative", tmp_path / "life")


def _set(run: Run, root: Path, *arguments: str) -> tuple[int, str]:
    result = run("--records", str(root), "set", "memorandum", *arguments)
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("arguments", "old", "new"),
    [
        (("term=P3Y",), "term: P5Y\n", "term: P3Y\n"),
        (("notice=P3M",), "notice: P6M\n", "notice: P3M\n"),
        (
            ("entry_into_force=signature",),
            "entry_into_force: 2008-10-01\n",
            "entry_into_force: signature\n",
        ),
        (
            ("renewal=by-agreement", "--unset", "renewal_term"),
            "renewal: automatic\nrenewal_term: P2Y\n",
            "renewal: by-agreement\n",
        ),
        (
            ("expires=2013-09-30", "--unset", "term"),
            "term: P5Y\n",
            "",  # `expires` goes where the model orders it: checked below
        ),
    ],
)
def test_life_fields_are_set_in_place(
    run: Run, root: Path, arguments: tuple[str, ...], old: str, new: str
) -> None:
    memorandum = root / "memorandum.yaml"
    before = memorandum.read_text(encoding="utf-8")
    code, output = _set(run, root, *arguments)
    assert code == 0, output
    after = memorandum.read_text(encoding="utf-8")
    assert after.startswith("# Illustrative: an invented memorandum")  # comments kept
    if "expires=2013-09-30" in arguments:
        assert "expires: 2013-09-30\nrenewal: automatic\n" in after
        assert after.replace("expires: 2013-09-30\n", "") == before.replace(old, new)
    else:
        assert after == before.replace(old, new)


def test_an_amendment_and_a_termination_are_added(run: Run, root: Path) -> None:
    memorandum = root / "memorandum.yaml"
    before = memorandum.read_text(encoding="utf-8")
    code, output = _set(
        run, root, "amendments.1.id=protocol-2", "amendments.1.date=2016-01-01",
        "amendments.1.title.en=Second protocol", "amendments.1.clauses.removed=6",
        "terminated.date=2017-06-30", "terminated.by=iom",
    )  # fmt: skip
    assert code == 0, output
    after = memorandum.read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n").rsplit("\ntags:", 1)[0])  # all before kept
    assert (
        "  - id: protocol-2\n    date: 2016-01-01\n    title:\n      en: Second protocol\n"
        '    clauses:\n      removed: ["6"]\n'
    ) in after
    assert "terminated:\n  date: 2017-06-30\n  by: iom\n" in after
    review = run("--records", str(root), "review", "--period", "2016", "--as-of", "2016-12-31")
    assert "Joint training of officials." not in review.output.split("Life of the")[0]


@pytest.mark.parametrize(
    ("arguments", "code", "messages"),
    [
        (("term=5Y",), 1, ["error MOU102 `term`: `5Y` is not an ISO 8601 duration"]),
        (("notice=P6Mx",), 1, ["error MOU102 `notice`: `P6Mx` is not an ISO 8601 duration"]),
        (("renewal_term=P0D",), 1, ["MOU102 `renewal_term`: `P0D` is not whole years"]),
        (
            ("expires=2001-01-01",),
            1,
            [
                "memorandum.yaml:11:10: error MOU309 expires 2001-01-01, before it is in force",
                "error MOU310 give a `term` or an `expires` date, not both",
            ],
        ),
        (("entry_into_force=2008-09-01",), 1, ["MOU309 in force from 2008-09-01, before signing"]),
        (("terminated.date=2007-01-01", "terminated.by=iom"), 1, ["MOU309 terminated 2007-01-01"]),
        (("amendments.protocol-1.date=2001-01-01",), 1, ["MOU309 amendment `protocol-1`"]),
        (("renewal=none",), 1, ["MOU310 a `renewal_term` needs `renewal: automatic`"]),
        (("--unset", "renewal_term"), 1, ["MOU310 automatic renewal needs a `renewal_term`"]),
        (("terminated.by=iom",), 1, ["MOU101 missing required field `terminated.date`"]),
        (("terminated.date=2016-01-01", "terminated.by=un"), 1, ["MOU204 unknown party"]),
        (("renewal=sometimes",), 2, ["not one of automatic, by-agreement, none"]),
        (("entry_into_force=soon",), 1, ["MOU102 `entry_into_force`: expected an ISO 8601 date"]),
        (
            ("amendments.protocol-2.date=2016-01-01",),
            2,
            ["has no item `protocol-2`; its ids: protocol-1; 1 adds one"],
        ),
    ],
)
def test_bad_life_values_are_refused_and_the_file_kept(
    run: Run, root: Path, arguments: tuple[str, ...], code: int, messages: list[str]
) -> None:
    memorandum = root / "memorandum.yaml"
    before = memorandum.read_bytes()
    found, output = _set(run, root, *arguments)
    assert found == code
    for message in messages:
        assert message in output
    if code == 1:
        assert "nothing was written" in output
    assert memorandum.read_bytes() == before
