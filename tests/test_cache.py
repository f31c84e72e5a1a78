"""The cache (mou.cache): content-addressed, never trusted when damaged, bounded, and safe
with runs in parallel."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import mou
from mou import cache
from mou.cache import Cache, ParsedEntry

VALUE: ParsedEntry = (
    {"kind": "meeting", "cost": Decimal("12.50"), "n": 10, "ok": True, "x": None, "l": [1, "a"]},
    [("MOU003", "duplicate key `a`", 3, 1, ("T", "duplicate key `{key}`", "", (("key", "a"),)))],
)


def test_blob_id_is_git_s_object_id(tmp_path: Path) -> None:
    for data in (b"", b"kind: meeting\n", "ключ: значение\n".encode(), bytes(range(256))):
        (tmp_path / "f").write_bytes(data)
        git = subprocess.run(
            ["git", "hash-object", str(tmp_path / "f")], capture_output=True, text=True, check=True
        )
        assert cache.blob_id(data) == git.stdout.strip()


def test_parsed_entries_come_back_equal_with_their_types(tmp_path: Path) -> None:
    store = Cache(tmp_path)
    blob = cache.blob_id(b"x")
    assert store.parsed([blob]) == {}
    store.store_parsed({blob: cache.pack(VALUE)})
    found = store.parsed([blob, cache.blob_id(b"y")])
    assert found == {blob: VALUE}
    assert type(found[blob][0]["cost"]) is Decimal
    assert str(found[blob][0]["cost"]) == "12.50"


def test_results_come_back_and_keys_differ_by_every_part(tmp_path: Path) -> None:
    store = Cache(tmp_path)
    key = cache.key_of("validate", "/r", "2024-01-01", [("a.yaml", "1" * 40)])
    others = [
        cache.key_of("validate", "/r", "2024-01-02", [("a.yaml", "1" * 40)]),
        cache.key_of("validate", "/s", "2024-01-01", [("a.yaml", "1" * 40)]),
        cache.key_of("validate", "/r", "2024-01-01", [("b.yaml", "1" * 40)]),
        cache.key_of("validate", "/r", "2024-01-01", [("a.yaml", "2" * 40)]),
    ]
    assert key not in others and len(set(others)) == len(others)
    assert store.result(key) is None
    store.store_result(key, {"problems": VALUE[1], "files": 3})
    assert store.result(key) == {"problems": VALUE[1], "files": 3}


def _entry_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _tampered(data: bytes, how: str) -> bytes:
    header = cache._HEADER.size
    if how == "truncated":
        return data[: len(data) // 2]
    if how == "header-only":
        return data[: header - 3]
    if how == "flipped":
        return data[:-5] + bytes([data[-5] ^ 0xFF]) + data[-4:]
    if how == "garbage":
        return os.urandom(len(data))
    if how == "empty":
        return b""
    if how == "other-format":
        return data[:4] + bytes([cache.FORMAT + 1]) + data[5:]
    raise AssertionError(how)


@pytest.mark.parametrize(
    "how", ["truncated", "header-only", "flipped", "garbage", "empty", "other-format"]
)
def test_a_damaged_entry_is_ignored_then_rebuilt(tmp_path: Path, how: str) -> None:
    store = Cache(tmp_path)
    blob, key = cache.blob_id(b"x"), cache.key_of("k")
    store.store_parsed({blob: cache.pack(VALUE)})
    store.store_result(key, [1, 2])
    for path in _entry_files(tmp_path):
        path.write_bytes(_tampered(path.read_bytes(), how))
    assert store.parsed([blob]) == {}
    assert store.result(key) is None
    store.store_parsed({blob: cache.pack(VALUE)})
    store.store_result(key, [1, 2])
    assert store.parsed([blob]) == {blob: VALUE}
    assert store.result(key) == [1, 2]


def test_an_entry_of_another_mou_version_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even where this version would look for it: the header names the code that wrote it."""
    store = Cache(tmp_path)
    assert cache.code_version().startswith(mou.__version__ + "+")
    monkeypatch.setattr(cache, "code_version", lambda: "0.0.0-other")
    foreign_result, foreign_shard = (
        cache.encode("old"),
        cache.encode({"ab" * 20: cache.pack(VALUE)}),
    )
    monkeypatch.undo()
    for path, data in (
        (store.result_path(cache.key_of("k")), foreign_result),
        (store._shard("ab"), foreign_shard),
    ):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert store.result(cache.key_of("k")) is None
    assert store.parsed(["ab" * 20]) == {}


class _Evil:
    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, ("echo never",))


def test_an_entry_naming_any_class_but_decimal_is_refused(tmp_path: Path) -> None:
    """Even with a correct header and digest: the loader knows Decimal and nothing else."""
    for value in (_Evil(), Path("x"), {"a": ValueError("x")}):
        payload = pickle.dumps(value)
        version = cache.code_version().encode()
        digest = hashlib.blake2b(payload, digest_size=16).digest()
        header = cache._HEADER.pack(cache.MAGIC, cache.FORMAT, len(version), len(payload), digest)
        with pytest.raises(ValueError, match="unreadable"):
            cache.decode(header + version + payload)


def test_a_shard_that_is_not_a_mapping_or_holds_bad_entries_is_ignored(tmp_path: Path) -> None:
    store = Cache(tmp_path)
    blob = "cd" * 20
    shard = store._shard(cache.prefix_of(blob))
    shard.parent.mkdir(parents=True)
    shard.write_bytes(cache.encode(["not", "a", "shard"]))
    assert store.parsed([blob]) == {}
    for bad in ("not packed", pickle.dumps("not an entry"), pickle.dumps(_Evil()), b"\x80junk"):
        shard.write_bytes(cache.encode({blob: bad}))
        assert store.parsed([blob]) == {}
    store.store_parsed({blob: cache.pack(VALUE)})
    assert store.parsed([blob]) == {blob: VALUE}


def test_parsed_entries_are_bounded_oldest_first(tmp_path: Path) -> None:
    limit = cache.SHARDS * 2000  # ~2 KB a shard
    store = Cache(tmp_path, limit=limit)
    big: ParsedEntry = ({"text": "x" * 300}, [])
    blobs = [f"00{i:038d}" for i in range(40)]  # all in shard 00
    for blob in blobs:
        store.store_parsed({blob: cache.pack(big)})
    kept = store.parsed(blobs)
    assert 0 < len(kept) < len(blobs)
    assert blobs[-1] in kept and blobs[0] not in kept
    assert sum(p.stat().st_size for p in _entry_files(tmp_path)) <= limit // cache.SHARDS


def test_results_beyond_the_kept_number_go_least_recently_used_first(tmp_path: Path) -> None:
    store = Cache(tmp_path, results_kept=3)
    keys = [cache.key_of(i) for i in range(5)]
    for age, key in enumerate(keys[:3]):
        store.store_result(key, key)
        os.utime(store.result_path(key), (1000 + age, 1000 + age))
    assert store.result(keys[0]) == keys[0]  # a use: now the most recent
    store.store_result(keys[3], keys[3])
    store.store_result(keys[4], keys[4])
    assert [store.result(k) for k in keys] == [keys[0], None, None, keys[3], keys[4]]


def test_an_unwritable_cache_is_only_slower(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    store = Cache(blocker / "cache")
    store.store_parsed({"ab" * 20: cache.pack(VALUE)})
    store.store_result(cache.key_of("k"), 1)
    assert store.parsed(["ab" * 20]) == {} and store.result(cache.key_of("k")) is None


def test_where_the_cache_lives_and_how_it_is_turned_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOU_CACHE", str(tmp_path / "c"))
    assert cache.location() == tmp_path / "c"
    monkeypatch.delenv("MOU_CACHE")
    from platformdirs import user_cache_dir

    for xdg in (str(tmp_path / "xdg"), "", "  "):
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
        assert cache.location() == Path(user_cache_dir("mou", appauthor=False))
    assert cache.location() == Path.home() / ".cache" / "mou"
    monkeypatch.setenv("MOU_NO_CACHE", "1")
    assert cache.open_cache() is None
    monkeypatch.setenv("MOU_NO_CACHE", "0")
    assert cache.open_cache() is not None
    cache.set_enabled(False)
    try:
        assert cache.open_cache() is None
    finally:
        cache.set_enabled(True)


def _hammer(folder: str, worker: int) -> list[str]:
    """Store and read the same shards and results as the other workers; report wrong reads."""
    store = Cache(Path(folder), results_kept=4)
    wrong = []
    for round_ in range(30):
        blob = f"{round_ % 3:02d}{worker:038d}"
        entry: ParsedEntry = ({"worker": worker, "round": round_}, [])
        store.store_parsed({blob: cache.pack(entry)})
        for other, found in store.parsed([f"{round_ % 3:02d}{w:038d}" for w in range(4)]).items():
            if found[0]["worker"] != int(other[2:]):
                wrong.append(f"parsed {other}: {found}")
        key = cache.key_of(round_ % 5)
        store.store_result(key, ("result", round_ % 5))
        value = store.result(key)
        if value not in (None, ("result", round_ % 5)):
            wrong.append(f"result {round_}: {value}")
    return wrong


def test_runs_in_parallel_never_read_a_wrong_or_partial_entry(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        reports = pool.starmap(_hammer, [(str(tmp_path), worker) for worker in range(4)])
    assert reports == [[], [], [], []]
    assert not [p for p in tmp_path.rglob(".tmp-*")]


def _fresh_codes() -> tuple[Any, ...]:
    from mou import codes

    for function in (codes.states, codes.currencies, codes.languages, codes._minor_units):
        function.cache_clear()
    codes.minor_unit.cache_clear()
    return (
        codes.states(),
        codes.currencies(),
        codes.languages(),
        [codes.minor_unit(c) for c in ("EUR", "JPY", "KWD", "XXX", "nope")],
    )


def test_iso_lists_kept_in_the_cache_are_the_libraries_and_never_trusted_damaged() -> None:
    cache.set_enabled(False)
    try:
        expected = _fresh_codes()
    finally:
        cache.set_enabled(True)
    assert expected[3][:3] == [2, 0, 3]
    assert _fresh_codes() == expected  # computed, then kept
    assert _fresh_codes() == expected  # from the cache
    for path in cache.location().rglob("*.result"):
        value = cache._read(path)
        if isinstance(value, frozenset):
            path.write_bytes(cache.encode(frozenset({1, 2})))  # well formed, wrong words
        elif isinstance(value, dict) and "EUR" in value:
            path.write_bytes(cache.encode({**value, "EUR": "two"}))
    assert _fresh_codes() == expected


def test_iso_lists_read_from_pycountrys_files_are_pycountrys_lists(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """States and currencies come from pycountry's JSON files without importing pycountry
    (its import costs ~40 ms); the same lists as pycountry's, also when the files are not
    where pycountry keeps them (then through pycountry itself)."""
    import importlib.util

    import pycountry

    from mou import codes

    countries = frozenset(country.alpha_3 for country in pycountry.countries)
    currencies = frozenset(currency.alpha_3 for currency in pycountry.currencies)
    assert codes._pycountry("iso3166-1.json", "3166-1") == countries
    assert codes._pycountry("iso4217.json", "4217") == currencies
    assert {"RUS", "KAZ", "ARM"} < countries and {"EUR", "USD", "RUB"} < currencies
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert codes._pycountry("iso3166-1.json", "3166-1") == countries
    assert codes._pycountry("iso4217.json", "4217") == currencies


def test_language_codes_are_those_cldr_names_in_english() -> None:
    """The language codes come from English's own CLDR data, not merged with the root
    locale's (~10 ms less): the same codes as Babel's merged English locale names."""
    from babel import Locale

    from mou import codes

    codes.languages.cache_clear()
    cache.set_enabled(False)
    try:
        found = codes.languages()
    finally:
        cache.set_enabled(True)
        codes.languages.cache_clear()
    names = Locale.parse("en").languages
    codes_ = [code for code in names if isinstance(code, str)]
    expected = {c for c in codes_ if c.isalpha() and c.islower() and len(c) <= 3}
    assert found == expected and len(found) > 600 and {"en", "ru", "kk"} < found


def test_a_temporary_file_never_takes_an_existing_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`_temporary` (mkstemp without tempfile): a new file, this user's only, and a name
    already taken (a file another run left) is passed over, never opened or emptied."""
    monkeypatch.setattr(os, "urandom", lambda size: b"\x00" * size)
    monkeypatch.setattr(cache, "_MADE", [0])
    taken = tmp_path / f".tmp-{os.getpid()}-1-00000000"
    taken.write_bytes(b"another run's")
    handle, name = cache._temporary(tmp_path)
    os.close(handle)
    assert name == str(tmp_path / f".tmp-{os.getpid()}-2-00000000")
    assert taken.read_bytes() == b"another run's"
    assert os.stat(name).st_mode & 0o777 == 0o600
    cache._write_atomically(tmp_path / "entry", b"data")
    assert (tmp_path / "entry").read_bytes() == b"data"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [taken.name, Path(name).name, "entry"]
    )


@pytest.mark.parametrize("kind", ["fifo", "device", "folder", "link"])
def test_an_entry_that_is_no_regular_file_is_no_entry_and_never_waited_on(
    tmp_path: Path, kind: str
) -> None:
    """A FIFO, a link to a device or a folder where a shard or a result goes (a cache folder
    someone tampered with) is ignored at once: no hang, no unbounded read, the run's answer
    the same. Run in a child, so that a hang is a failed test, not a stuck suite."""
    store = Cache(tmp_path / "cache")
    key = cache.key_of("x")
    places = [store._shard(prefix) for prefix in "0123456789abcdef"] + [store.result_path(key)]
    for place in places:
        place.parent.mkdir(parents=True, exist_ok=True)
        if kind == "fifo":
            os.mkfifo(place)
        elif kind == "device":
            place.symlink_to("/dev/zero")
        elif kind == "folder":
            place.mkdir()
        else:
            (tmp_path / "real").write_bytes(cache.encode({"a": 1}))
            place.symlink_to(tmp_path / "real")  # a link, even to a good entry, is not used
    code = (
        "import sys; from pathlib import Path; from mou.cache import Cache, key_of; "
        f"store = Cache(Path({str(tmp_path / 'cache')!r})); "
        "print(store.parsed(['0' * 40, 'f' * 40]), store.result(key_of('x')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout == "{} None\n"


def test_temporary_files_a_killed_run_left_are_swept_and_a_live_runs_kept(
    tmp_path: Path,
) -> None:
    """A `.tmp-*` file over an hour old (a run killed while writing) goes when entries are
    written next; a fresh one (a run writing now), a link and anything else stay."""
    import time

    store = Cache(tmp_path / "cache")
    store.store_parsed({"a" * 40: cache.pack((1, []))})
    store.store_result(cache.key_of("x"), 1)
    old = time.time() - cache.STALE_SECONDS - 60
    left = []
    for folder in ("parsed", "results"):
        place = tmp_path / "cache" / f"v{cache.FORMAT}" / folder
        stale, fresh = place / ".tmp-1-1-stale", place / ".tmp-1-2-fresh"
        stale.write_bytes(b"half")
        fresh.write_bytes(b"writing")
        os.utime(stale, (old, old))
        link = place / ".tmp-1-3-link"
        link.symlink_to(stale)
        left.append((stale, fresh, link))
    store.store_parsed({"b" * 40: cache.pack((2, []))})
    store.store_result(cache.key_of("y"), 2)
    for stale, fresh, link in left:
        assert not stale.exists() and fresh.exists() and link.is_symlink()
    assert store.result(cache.key_of("x")) == 1 and store.result(cache.key_of("y")) == 2
