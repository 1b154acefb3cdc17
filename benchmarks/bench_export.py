"""Export benchmark: a year of evidence (20,000 items, 5 destinations x 4 skills) from a
SQLite ledger, each format timed end to end (read the ledger, build, render).

    python benchmarks/bench_export.py [--items N] [--seed S] [--repeat R] [--profile FMT]

Target: every format under 2 s. See benchmarks/bench_export.md for a recorded run.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import tempfile
import time
import tomllib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from collector.config import Settings, parse_settings
from collector.export import ExportFormat, ExportOptions, export_bytes
from collector.export.period import Period, quarter_period
from collector.ledger import Ledger, open_ledger
from collector.ledger.items import record_items
from collector.ledger.models import ItemRow, LogEntryRow, ManualArtifactRow, SuggestionRow
from connectors.item import Item

OWNER = "bench"
START = datetime(2026, 1, 1, tzinfo=UTC)
AS_OF = date(2026, 12, 31)
KINDS = ("pull_request", "pull_request", "pull_request", "review", "review", "ticket", "design_doc")
PRIVATE_REPOS = {"acme/repo0", "acme/repo1"}
WORDS = [
    "add",
    "fix",
    "trace",
    "retry",
    "queue",
    "cache",
    "metrics",
    "canary",
    "rollout",
    "schema",
    "index",
    "timeout",
]


def config(url: str) -> Settings:
    lines = [
        f'[ledger]\nurl = "{url}"\n',
        f'[owner]\nname = "Bench"\nkey = "{OWNER}"\n',
        'timezone = "Europe/Berlin"\n',
    ]
    for d in range(5):
        lines.append(f'[[growth_map.destinations]]\nid = "D{d}"\ntitle = "Destination {d}"\n')
        for s in range(4):
            lines.append(
                f'[[growth_map.destinations.skills]]\nid = "s{d}{s}"\nname = "Skill {d}.{s}"\n'
                'level = "N"\ntarget = "P"\n'
            )
    for n in range(8):
        start = date(2026, 1, 5) + timedelta(weeks=6 * n)
        lines.append(f'[[growth_map.cycles]]\nstart = "{start.isoformat()}"\nweeks = 6\n')
    text = "\n".join(lines)
    return parse_settings(tomllib.loads(text), Path("bench.toml"))


def items(count: int, rng: random.Random) -> list[Item]:
    out = []
    for n in range(count):
        kind = KINDS[n % len(KINDS)]
        when = START + timedelta(minutes=rng.randrange(365 * 24 * 60))
        repo = f"acme/repo{rng.randrange(40)}"
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(3, 9)))
        ident = f"KEY-{n}" if kind == "ticket" else f"{repo}#{n}"
        out.append(
            Item(
                source="jira" if kind == "ticket" else "github",
                kind=kind,
                external_id=f"{ident}/review" if kind == "review" else ident,
                url=f"https://github.example/{repo}/pull/{n}",
                title=title + (f" KEY-{n - 5}" if kind == "pull_request" and n > 5 else ""),
                body="body " * 20,
                created_at=when - timedelta(days=1),
                updated_at=when,
                occurred_at=when,
                state="merged" if kind == "pull_request" else "done",
                repo=repo,
                path="docs/design/x.md" if kind == "design_doc" else None,
                additions=rng.randrange(500),
                deletions=rng.randrange(200),
                extra={"number": n, "private": repo in PRIVATE_REPOS},
                raw=raw_payload(kind, n, repo, title),
            )
        )
    return out


def raw_payload(kind: str, n: int, repo: str, title: str) -> dict[str, object]:
    """About the size of a GitHub GraphQL node (1-2 KB): the raw payload is stored too."""
    files = [{"path": f"src/module{n % 50}/file{i}.py", "additions": i} for i in range(12)]
    return {
        "number": n,
        "title": title,
        "headRefName": f"feature/key-{n}" if kind == "pull_request" else None,
        "repository": {"nameWithOwner": repo, "url": f"https://github.example/{repo}"},
        "files": {"totalCount": len(files), "nodes": files},
        "labels": {"nodes": [{"name": "backend"}, {"name": "observability"}]},
    }


def populate(ledger: Ledger, settings: Settings, count: int, seed: int) -> None:
    rng = random.Random(seed)
    now = START + timedelta(days=366)
    batch = items(count, rng)
    with ledger.write() as session:
        for start in range(0, len(batch), 1000):
            record_items(session, OWNER, batch[start : start + 1000], now)
        ids = list(session.scalars(select(ItemRow.id).where(ItemRow.owner == OWNER)))
        session.execute(insert(SuggestionRow), suggestions(ids, settings, rng, now))
        session.add_all(log_and_manual(now))


def suggestions(
    ids: list[int], settings: Settings, rng: random.Random, now: datetime
) -> list[dict[str, object]]:
    """One or two skills per item; 3 of 5 accepted, 1 suggested, 1 rejected."""
    skills = [(d.id, s.id) for d in settings.growth_map.destinations for s in d.skills]
    rows: list[dict[str, object]] = []
    for item_id in ids:
        for dest, skill in rng.sample(skills, rng.choice((1, 1, 2))):
            status = rng.choice(("accepted", "accepted", "accepted", "suggested", "rejected"))
            decided = now if status != "suggested" else None
            rows.append(
                {
                    "owner": OWNER,
                    "item_id": item_id,
                    "destination": dest,
                    "skill": skill,
                    "status": status,
                    "origin": "rule",
                    "weight": 1.0,
                    "rules": ["r1"],
                    "rule_hash": "",
                    "created_at": now,
                    "updated_at": now,
                    "decided_at": decided,
                    "decided_item_hash": None,
                    "note": None,
                    "noted_at": None,
                }
            )
    return rows


def log_and_manual(now: datetime) -> list[LogEntryRow | ManualArtifactRow]:
    """A drafted entry for every week and a talk every week."""
    rows: list[LogEntryRow | ManualArtifactRow] = [
        LogEntryRow(
            owner=OWNER,
            week=f"2026-W{week:02d}",
            draft=f"## Week {week}\n",
            text=None,
            evidence=[],
            evidence_hash="",
            drafted_at=now,
            edited_at=None,
        )
        for week in range(1, 53)
    ]
    rows += [
        ManualArtifactRow(
            owner=OWNER,
            kind="talk",
            title=f"Talk {n}",
            url=None,
            destination="D0",
            date=date(2026, 1, 1) + timedelta(days=7 * n),
            skills=["s00"],
            outcome="went well",
            endorser=None,
            created_at=now,
            updated_at=now,
        )
        for n in range(50)
    ]
    return rows


def timed(
    ledger: Ledger, settings: Settings, fmt: ExportFormat, options: ExportOptions
) -> tuple[float, float, int]:
    period = quarter_period("2026Q1", settings.owner.zone)  # from 1 Jan: the whole year
    period = Period("2026", period.since, None, date(2026, 1, 1), date(2026, 12, 31))
    started, cpu = time.perf_counter(), time.process_time()
    with ledger.read() as session:
        size = len(export_bytes(session, settings, period, options, AS_OF, fmt))
    return time.perf_counter() - started, time.process_time() - cpu, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", choices=[f.value for f in ExportFormat])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        settings = config(url)
        ledger = open_ledger(url, OWNER)
        started = time.perf_counter()
        populate(ledger, settings, args.items, args.seed)
        print(f"ledger: {args.items} items in {time.perf_counter() - started:.1f} s")
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            timed(
                ledger,
                settings,
                ExportFormat(args.profile),
                ExportOptions(include_suggested=True, redact_private=True),
            )
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
            return
        for fmt in ExportFormat:
            for redact in (False, True):
                options = ExportOptions(
                    include_suggested=True,
                    redact_private=redact,
                    with_rules=fmt is ExportFormat.json,
                )
                runs = [timed(ledger, settings, fmt, options) for _ in range(args.repeat)]
                wall, cpu = min(r[0] for r in runs), min(r[1] for r in runs)
                label = " --redact private" if redact else ""
                print(
                    f"{fmt.value:<4}{label:<17} best of {args.repeat}: {wall:.2f} s wall, "
                    f"{cpu:.2f} s CPU ({runs[0][2]:,} bytes)"
                )
        ledger.close()


if __name__ == "__main__":
    main()
