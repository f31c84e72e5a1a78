"""`mou --help` stays cheap: the add-* commands are listed without importing the models."""

from __future__ import annotations

import subprocess
import sys

from mou.cli import ADD_KINDS
from mou.kinds import ADDABLE


def test_add_kinds_match_the_registry() -> None:
    assert ADD_KINDS == ADDABLE


def test_help_does_not_import_the_models() -> None:
    probe = (
        "import sys; from mou.cli import app; app(['--help'], standalone_mode=False); "
        "print('pydantic' in sys.modules, 'mou.models' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines()[-1] == "False False"
    assert "add-meeting      Add a meeting record." in result.stdout
    assert "add-exchange     Add an exchange record." in result.stdout
