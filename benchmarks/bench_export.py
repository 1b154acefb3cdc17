"""Export benchmark: a year of evidence (20,000 items, 5 destinations x 4 skills) from a
SQLite ledger, each format timed end to end (read the ledger, build, render).

    python benchmarks/bench_export.py [--items N] [--seed S] [--repeat R] [--profile FMT]
        [--compare REV]

`--compare REV` times the code of git revision REV (an earlier approach) on the same
ledger in the same run, each measurement in its own process, old and new in turn.

Target: every format under 2 s. See benchmarks/bench_export.md for a recorded run.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import subprocess
import sys
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


ROWS = [(fmt, redact) for fmt in ExportFormat for redact in (False, True)]
ROOT = Path(__file__).resolve().parent.parent


def options_for(fmt: ExportFormat, redact: bool) -> ExportOptions:
    return ExportOptions(
        include_suggested=True, redact_private=redact, with_rules=fmt is ExportFormat.json
    )


def best_of(
    ledger: Ledger, settings: Settings, fmt: ExportFormat, redact: bool, repeat: int
) -> tuple[float, float, int]:
    runs = [timed(ledger, settings, fmt, options_for(fmt, redact)) for _ in range(repeat)]
    return min(r[0] for r in runs), min(r[1] for r in runs), runs[0][2]


def child(url: str, fmt: str, redact: str, repeat: int) -> None:
    """One row, timed by whichever `collector` this process imports (see `--compare`)."""
    settings = config(url)
    ledger = open_ledger(url, OWNER)
    wall, cpu, size = best_of(ledger, settings, ExportFormat(fmt), redact == "1", repeat)
    ledger.close()
    print(json.dumps({"wall": wall, "cpu": cpu, "bytes": size}))


def in_child(
    code: Path, url: str, fmt: ExportFormat, redact: bool, repeat: int
) -> dict[str, float]:
    """Time a row in a fresh process whose `collector` comes from `code`."""
    environment = {**os.environ, "PYTHONPATH": str(code)}
    argv = [sys.executable, __file__, "--child", url, fmt.value, "1" if redact else "0"]
    done = subprocess.run(
        [*argv, str(repeat)], env=environment, capture_output=True, text=True, check=True
    )
    found: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def checkout(revision: str, folder: Path) -> Path:
    """The packages of `revision`, unpacked into `folder` (`git archive`, no worktree)."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "collector", "connectors", "rules"],
        capture_output=True,
        check=True,
    )
    target = folder / "earlier"
    target.mkdir()
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def label(fmt: ExportFormat, redact: bool) -> str:
    return f"{fmt.value:<4}{' --redact private' if redact else '':<17}"


def compare(url: str, earlier: Path, revision: str, repeat: int) -> None:
    """Both versions on the same ledger, row by row, old then new, each in its process."""
    print(f"best of {repeat}, wall (CPU) seconds; earlier = {revision}")
    print(f"{'':<21}{'this version':>20}{'earlier':>20}")
    for fmt, redact in ROWS:
        old = in_child(earlier, url, fmt, redact, repeat)
        new = in_child(ROOT, url, fmt, redact, repeat)
        print(
            f"{label(fmt, redact)}    {new['wall']:>5.2f} ({new['cpu']:.2f}) {new['bytes']:>9,}"
            f"    {old['wall']:>5.2f} ({old['cpu']:.2f}) {old['bytes']:>9,}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", choices=[f.value for f in ExportFormat])
    parser.add_argument("--compare", metavar="REV", help="also time git revision REV")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        url, fmt, redact, repeat = args.child
        child(url, fmt, redact, int(repeat))
        return
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        settings = config(url)
        ledger = open_ledger(url, OWNER)
        started = time.perf_counter()
        populate(ledger, settings, args.items, args.seed)
        print(f"ledger: {args.items} items in {time.perf_counter() - started:.1f} s")
        if args.profile:
            profile(ledger, settings, ExportFormat(args.profile))
        elif args.compare:
            compare(url, checkout(args.compare, Path(folder)), args.compare, args.repeat)
        else:
            for fmt, redact in ROWS:
                wall, cpu, size = best_of(ledger, settings, fmt, redact, args.repeat)
                print(
                    f"{label(fmt, redact)} best of {args.repeat}: {wall:.2f} s wall, "
                    f"{cpu:.2f} s CPU ({size:,} bytes)"
                )
        ledger.close()


def profile(ledger: Ledger, settings: Settings, fmt: ExportFormat) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    timed(ledger, settings, fmt, ExportOptions(include_suggested=True, redact_private=True))
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
