"""Generate a large, realistic, valid record for benchmarks: every kind, references between them.

    python tests/benchmarks/generate.py OUT_DIR COUNT

Records are ~0.6-1.3 KB each, like hand-kept ones: bilingual titles, participants, actions,
expenses. The memorandum is copied from records/.
"""

from __future__ import annotations

import random
import shutil
import sys
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TOPICS = [
    "irregular-migration",
    "trafficking-in-human-beings",
    "cross-border-cooperation",
    "biometric-documents",
]
STATES = ["ARM", "AZE", "BLR", "GEO", "KAZ", "KGZ", "MDA", "RUS", "TJK", "TKM", "UKR", "UZB"]
CITIES = [
    ("Minsk", "Минск"),
    ("Geneva", "Женева"),
    ("Moscow", "Москва"),
    ("Astana", "Астана"),
    ("Bishkek", "Бишкек"),
    ("Yerevan", "Ереван"),
]


def _day(rng: random.Random) -> date:
    return date(2009, 1, 1) + timedelta(days=rng.randrange(0, 365 * 16))


def meeting(i: int, rng: random.Random, arrangements: list[str]) -> tuple[str, str]:
    day = _day(rng)
    kind = rng.choice(["consultation", "representation", "review", "other"])
    organizer, other = rng.sample(["cis", "iom"], 2)
    city, city_ru = rng.choice(CITIES)
    status = "held" if day < date(2026, 1, 1) else "planned"
    action_status = "done" if status == "held" else "open"
    text = f"""kind: meeting
type: {kind}
title:
  en: Working meeting on migration management No. {i}
  ru: Рабочая встреча по вопросам регулирования миграции № {i}
date: {day}
status: {status}
location:
  en: {city}
  ru: {city_ru}
format: in-person
organizer: {organizer}
observers: [{other}]
participants:
  - name: Delegate {i}-1
    party: {organizer}
    role: head of delegation
  - name: Delegate {i}-2
    party: {other}
agenda:
  - Review of joint activities since the last meeting
  - Exchange of information on irregular migration
summary: The parties reviewed the joint work plan and agreed on the next steps.
actions:
  - id: a1
    text: Circulate the draft work plan
    owner: {other}
    due: {day + timedelta(days=60)}
    status: {action_status}
arrangement: {rng.choice(arrangements)}
tags: [benchmark]
"""
    return f"meetings/{day}-meeting-{i}", text


def seminar(i: int, rng: random.Random, arrangements: list[str]) -> tuple[str, str]:
    day = _day(rng)
    city, city_ru = rng.choice(CITIES)
    status = "held" if day < date(2026, 1, 1) else "planned"
    topics = ", ".join(rng.sample(TOPICS, 2))
    states = ", ".join(rng.sample(STATES, 3))
    text = f"""kind: seminar
form: {rng.choice(["seminar", "conference", "workshop", "training", "round-table"])}
title:
  en: Regional seminar on countering trafficking in human beings No. {i}
  ru: Региональный семинар по противодействию торговле людьми № {i}
date: {day}
end_date: {day + timedelta(days=1)}
status: {status}
location:
  en: {city}
  ru: {city_ru}
format: hybrid
organizers: [cis, iom]
topics: [{topics}]
audience: Officials of migration services and border agencies
states: [{states}]
participants_count: {rng.randrange(10, 120)}
arrangement: {rng.choice(arrangements)}
"""
    return f"seminars/{day}-seminar-{i}", text


def exchange(i: int, rng: random.Random) -> tuple[str, str]:
    day = _day(rng)
    sender, receiver = rng.sample(["cis", "iom"], 2)
    text = f"""kind: exchange
date: {day}
from: {sender}
to: {receiver}
subject:
  en: Statistical bulletin on labour migration, issue {i}
  ru: Статистический бюллетень по трудовой миграции, выпуск {i}
topics: [{rng.choice(TOPICS)}]
items:
  - title: Bulletin {i}
    url: https://example.org/bulletins/{i}.pdf
    language: ru
  - title: Annex {i}
    language: en
public_domain: true
channel: e-mail
"""
    return f"exchanges/{day}-exchange-{i}", text


def request(i: int, rng: random.Random) -> tuple[str, str]:
    day = _day(rng)
    by, to = rng.sample(["cis", "iom"], 2)
    text = f"""kind: request
date: {day}
requested_by: {by}
addressed_to: {to}
subject:
  en: Expert support for a training course on document security, request {i}
  ru: Экспертная поддержка учебного курса по безопасности документов, запрос {i}
status: delivered
responded_on: {day + timedelta(days=14)}
delivered_on: {day + timedelta(days=90)}
outcome: Two experts delivered a three-day course.
"""
    return f"requests/{day}-request-{i}", text


def programme(i: int, rng: random.Random, arrangements: list[str]) -> tuple[str, str]:
    day = _day(rng)
    states = ", ".join(rng.sample(STATES, 4))
    text = f"""kind: programme
title:
  en: Joint programme on cross-border cooperation, phase {i}
  ru: Совместная программа по трансграничному сотрудничеству, этап {i}
start: {day}
end: {day + timedelta(days=730)}
status: completed
lead: [cis, iom]
states: [{states}]
objectives:
  - Harmonise data exchange between border services
  - Train trainers in the participating states
arrangement: {rng.choice(arrangements)}
"""
    return f"programmes/{day}-programme-{i}", text


def arrangement(i: int, rng: random.Random) -> tuple[str, str]:
    day = _day(rng)
    text = f"""kind: arrangement
title:
  en: Special arrangement on joint events, No. {i}
  ru: Специальная договоренность о совместных мероприятиях № {i}
date: {day}
status: signed
conditions:
  cis: Provides the venue and interpretation.
  iom: Provides experts and training materials.
expenses:
  - item: Venue and interpretation
    payer: cis
    amount: "{rng.randrange(1000, 90000)}.00"
    currency: RUB
    status: paid
  - item: Experts' travel
    payer: iom
    amount: "{rng.randrange(1000, 20000)}.50"
    currency: USD
    status: committed
    date: {day + timedelta(days=30)}
"""
    return f"arrangements/{day}-arrangement-{i}", text


def contact(i: int, rng: random.Random) -> tuple[str, str]:
    day = _day(rng)
    text = f"""kind: contact
party: {rng.choice(["cis", "iom"])}
name: Contact Person {i}
position:
  en: Senior liaison officer
  ru: Старший сотрудник по связям
email: contact{i}@example.org
phone: +7 495 000 00 {i % 100:02d}
from: {day}
to: {day + timedelta(days=700)}
"""
    return f"contacts/{day}-contact-{i}", text


def activity(i: int, rng: random.Random) -> tuple[str, str]:
    day = _day(rng)
    states = ", ".join(rng.sample(STATES, 2))
    text = f"""kind: activity
clause: "1.1"
title:
  en: Study visit of migration officials, No. {i}
  ru: Ознакомительный визит сотрудников миграционных служб № {i}
date: {day}
parties: [cis, iom]
states: [{states}]
summary: Officials of two participating states visited IOM programmes.
"""
    return f"activities/{day}-activity-{i}", text


def generate(out: Path, count: int, seed: int = 2008) -> None:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copy(REPO / "records" / "memorandum.yaml", out / "memorandum.yaml")
    n_arrangements = max(1, count // 10)
    files = [arrangement(i, rng) for i in range(n_arrangements)]
    ids = [name.rsplit("/", 1)[1] for name, _ in files]
    makers = [
        lambda i: meeting(i, rng, ids),
        lambda i: seminar(i, rng, ids),
        lambda i: exchange(i, rng),
        lambda i: request(i, rng),
        lambda i: programme(i, rng, ids),
        lambda i: contact(i, rng),
        lambda i: activity(i, rng),
    ]
    for i in range(count - n_arrangements - 1):
        files.append(makers[i % len(makers)](i))
    for name, text in files:
        target = out / f"{name}.yaml"
        target.parent.mkdir(exist_ok=True)
        target.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    generate(Path(sys.argv[1]), int(sys.argv[2]))
