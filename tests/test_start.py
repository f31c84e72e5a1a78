"""The `mou` program's edges: where its output cannot be written, Ctrl-C, and what it sets in
the environment for itself. Each answered with an exit code and at most one line, never a
traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import mou
from conftest import REPO
from mou import start

DEMO = REPO / "examples" / "demo"
VALIDATE = [
    sys.executable,
    "-m",
    "mou",
    "--records",
    str(DEMO),
    "validate",
    "--as-of",
    "2025-12-31",
]
LIST = [sys.executable, "-m", "mou", "--records", str(DEMO), "list"]


def _run(command: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MOU_NO_CACHE": "1", "COLUMNS": "100"}
    return subprocess.run(
        command, stderr=subprocess.PIPE, text=True, env=env, check=False, **options
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
@pytest.mark.parametrize("command", [VALIDATE, LIST], ids=["validate", "list"])
def test_a_full_disk_is_said_in_one_line(command: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = _run(command, stdout=full)
    assert done.returncode == 1
    assert done.stderr == "mou: cannot write the output: No space left on device\n"


@pytest.mark.parametrize("command", [VALIDATE, LIST], ids=["validate", "list"])
def test_a_reader_gone_away_ends_mou_quietly(command: list[str]) -> None:
    reading, writing = os.pipe()
    os.close(reading)  # `mou ... | head -c0`: nobody reads
    try:
        done = _run(command, stdout=writing)
    finally:
        os.close(writing)
    assert done.returncode == 1
    assert done.stderr == ""


def test_closed_standard_output_still_gives_the_exit_code() -> None:
    done = _run(VALIDATE, stdout=subprocess.DEVNULL, preexec_fn=lambda: os.close(1))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


def test_ctrl_c_exits_130_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(args: list[str]) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(start, "quick_validate", interrupted)
    monkeypatch.setattr(sys, "argv", ["mou", "validate"])
    with pytest.raises(SystemExit) as exit_:
        start.main()
    assert exit_.value.code == 130
    assert capsys.readouterr().err == ""


def test_closed_standard_error_still_gives_the_exit_code() -> None:
    done = _run(VALIDATE, stdout=subprocess.PIPE, preexec_fn=lambda: os.close(2))
    assert done.returncode == 0
    assert "0 errors, 3 warnings in 47 files" in done.stdout


@pytest.mark.parametrize("ending", ["interrupted", "130"])
def test_ctrl_c_clears_the_progress_bar(monkeypatch: pytest.MonkeyPatch, ending: str) -> None:
    """A bar on the terminal when Ctrl-C comes is cleared (rich shows the cursor again),
    whether the interruption reaches mou or Typer turned it into exit code 130 first."""
    from mou import progress

    closed: list[bool] = []

    class Bar(progress.Reporter):
        def close(self) -> None:
            closed.append(True)

    def interrupted(args: list[str], prog_name: str | None) -> int:
        progress.install(Bar())
        if ending == "interrupted":
            raise KeyboardInterrupt
        return 130

    monkeypatch.setattr(start, "_run", interrupted)
    monkeypatch.setattr(sys, "argv", ["mou", "list"])
    with pytest.raises(SystemExit) as exit_:
        start.main()
    assert exit_.value.code == 130
    assert closed == [True]
    progress.install(progress.Reporter())


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
@pytest.mark.parametrize(
    ("command", "code"),
    [
        (VALIDATE, 0),
        ([sys.executable, "-m", "mou", "explain", "NOPE"], 2),
        ([sys.executable, "-m", "mou", "--version"], 0),
    ],
    ids=["validate", "usage", "version"],
)
def test_a_full_standard_error_leaves_the_exit_code_alone(command: list[str], code: int) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=full, check=False)
    assert done.returncode == code


def test_version_with_standard_output_closed_or_full() -> None:
    version = [sys.executable, "-m", "mou", "--version"]
    closed = _run(version, stdout=subprocess.DEVNULL, preexec_fn=lambda: os.close(1))
    assert (closed.returncode, closed.stderr) == (0, "")
    if Path("/dev/full").exists():
        with open("/dev/full", "w") as full:
            done = _run(version, stdout=full)
        assert done.returncode == 1
        assert done.stderr == "mou: cannot write the output: No space left on device\n"


def test_other_os_errors_are_not_taken_for_output_errors(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An error of the system about a path is said as such, with the path (exit code 2)."""
    error = FileNotFoundError(2, "No such file or directory", "x.yaml")
    assert start._output_failed(error) == 2
    assert capsys.readouterr().err == "mou: x.yaml: No such file or directory\n"


def test_plugins_are_off_for_mou_and_not_for_what_it_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(mou.PLUGINS_VARIABLE, raising=False)
    monkeypatch.setattr(mou, "plugins_turned_off", False)
    monkeypatch.setattr(start, "_no_plugin_loader", lambda: None)  # pydantic's, in this process
    start._turn_plugins_off()
    assert os.environ[mou.PLUGINS_VARIABLE] == "__all__"
    assert mou.PLUGINS_VARIABLE not in mou.child_environment()


def test_a_users_own_plugin_setting_is_kept_and_passed_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(mou.PLUGINS_VARIABLE, "logfire")
    monkeypatch.setattr(mou, "plugins_turned_off", False)
    start._turn_plugins_off()
    assert os.environ[mou.PLUGINS_VARIABLE] == "logfire"
    assert mou.child_environment()[mou.PLUGINS_VARIABLE] == "logfire"


@pytest.mark.parametrize(("users", "metadata"), [(None, False), ("logfire", True)])
def test_with_plugins_off_pydantic_does_not_read_package_metadata(
    users: str | None, metadata: bool
) -> None:
    """mou's stand-in for pydantic's plugin loader (~25 ms of imports) only when mou turned
    the plugins off: a user's own setting gets pydantic's real loader."""
    code = (
        "import sys; from mou import start; start._turn_plugins_off(); import mou.models; "
        "mou.models.Document.model_validate({'title': 'T', 'public': True}); "
        "print('importlib.metadata' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if k != mou.PLUGINS_VARIABLE}
    if users is not None:
        env[mou.PLUGINS_VARIABLE] = users
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout == f"{metadata}\n"


def test_mou_as_a_library_leaves_the_environment_alone() -> None:
    code = f"import os, mou.models; print({mou.PLUGINS_VARIABLE!r} in os.environ)"
    env = {k: v for k, v in os.environ.items() if k != mou.PLUGINS_VARIABLE}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout == "False\n"


def test_ctrl_c_stops_site_serve_with_130(base_tree: Callable[[dict[str, str]], Path]) -> None:
    root = base_tree({})
    command = [sys.executable, "-m", "mou", "--records", str(root), "site", "--as-of", "2024-12-31"]
    command += ["--output", str(root.parent / "site"), "--serve", "--port", "0"]
    env = {**os.environ, "MOU_NO_CACHE": "1"}
    with subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env) as server:
        assert server.stderr is not None
        said = []
        for line in server.stderr:  # the build's lines, then the address it serves on
            said.append(line)
            if line.startswith("serving on http://127.0.0.1:"):
                break
        server.send_signal(signal.SIGINT)
        said.append(server.stderr.read())
        assert server.wait(60) == 130, said
    assert said[-1] == "stopped\n"
