"""`mou calendar` with line breaks in record-controlled text (issue 15, fuzz seed
5074464198533569727572333220386498080): a short title holding a newline went unescaped into
the calendar's X-WR-CALNAME line and icalendar raised; a record whose file name holds a
newline. Every line of the calendar is one content line, and the texts come back intact."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO, Run

MEETING = "meetings/2023-03-15-consultations-minsk.yaml"
BREAKS = ["\n", "\r", "\r\n", "\n::warning::forged\n"]


@pytest.mark.parametrize("line_break", BREAKS)
def test_line_breaks_in_the_title_and_a_file_name_stay_escaped(
    run: Run, tmp_path: Path, line_break: str
) -> None:
    from icalendar import Calendar

    root = Path(shutil.copytree(REPO / "examples" / "demo", tmp_path / "records"))
    memorandum = root / "memorandum.yaml"
    text = memorandum.read_text(encoding="utf-8")
    hostile = f"CIS{line_break}IOM"
    quoted = hostile.replace("\r", "\\r").replace("\n", "\\n")
    memorandum.write_text(
        text.replace("  en: CIS–IOM Memorandum of Understanding", f'  en: "{quoted}"', 1),
        encoding="utf-8",
    )
    renamed = f"meetings/2023-03-15-consultations{line_break}minsk.yaml"
    (root / MEETING).rename(root / renamed)
    result = run("--records", str(root), "calendar", "--as-of", "2025-12-31")
    assert result.exit_code == 0
    data = result.stdout_bytes
    lines = data.split(b"\r\n")
    assert lines[-1] == b""
    assert not [line for line in lines if b"\n" in line or b"\r" in line]
    parsed = Calendar.from_ical(data)
    escaped = hostile.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    assert f"X-WR-CALNAME:{escaped}".encode() in lines
    uids = [str(event["uid"]) for event in parsed.walk("VEVENT")]
    assert f"{Path(renamed).stem}@mou.invalid".replace("\r\n", "\n").replace("\r", "\n") in uids
