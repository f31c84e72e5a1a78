"""`mou add-meeting` in a terminal asks for what is missing, and asks again after a wrong
answer. Driven for real on a pseudo-terminal with pexpect."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pexpect

Tree = Callable[[dict[str, str | bytes]], Path]
MOU = str(Path(sys.executable).parent / "mou")


def test_prompts_for_missing_values_and_reasks(base_tree: Tree) -> None:
    root = base_tree({})
    child = pexpect.spawn(
        MOU,
        ["--records", str(root), "add-meeting", "--title", "Talks in Geneva"],
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 200),
    )
    try:
        child.expect_exact("Type (consultation, representation, review, other): ")
        child.sendline("talks")  # not one of them: asked again
        child.expect_exact("Not one of consultation, representation, review, other: talks")
        child.expect_exact("Type (consultation, representation, review, other): ")
        child.sendline("consultation")
        child.expect_exact("Date (YYYY-MM-DD): ")
        child.sendline("2024-13-45")
        child.expect_exact("2024-13-45 is not a date")
        child.expect_exact("Date (YYYY-MM-DD): ")
        child.sendline("2024-03-12")  # status follows from the date: held, not asked
        child.expect_exact("Location: ")
        child.sendline("")  # empty: asked again
        child.expect_exact("Location: ")
        child.sendline("Женева")
        child.expect_exact("Format (in-person, online, hybrid): ")
        child.sendline("online")
        child.expect_exact("Organizer (cis, iom): ")
        child.sendline("unhcr")
        child.expect_exact("Not one of cis, iom: unhcr")
        child.sendline("iom")
        child.expect_exact("meetings/2024-03-12-talks-in-geneva.yaml")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0, child.before
    text = (root / "meetings" / "2024-03-12-talks-in-geneva.yaml").read_text(encoding="utf-8")
    assert "status: held\n" in text
    assert "location: Женева\n" in text
    assert "organizer: iom\n" in text
