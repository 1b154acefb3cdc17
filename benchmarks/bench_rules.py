"""Benchmark: evaluate 100,000 items against 200 rules on one core.

    python benchmarks/bench_rules.py [--items N] [--rules N] [--seed S]

Items and rules are generated deterministically from the seed with the shape of real
work: mostly pull requests and reviews, some tickets and design docs, titles from a
developer vocabulary, a dozen changed paths, labels; rules use every kind of key
(kinds, sources, repo and path globs, labels, RE2 title/text regexes, ticket fields,
size bounds, unless). Prints the time to compile the rules and to evaluate all items.
Target: evaluation under 10 s for 100,000 x 200.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rules import Evidence, RuleSet, evaluate, parse_rules

KINDS = ["pull_request"] * 6 + ["review"] * 3 + ["ticket"] * 2 + ["design_doc"]
SOURCES = [("work-github", "github"), ("oss-gitlab", "gitlab"), ("jira", "jira")]
WORDS = (  # noqa: SIM905 - a word list reads better as prose
    "add fix remove refactor tracing span retry timeout queue cache deploy release "
    "pipeline test flaky coverage metrics alert dashboard login payment checkout "
    "billing search index schema migration docs readme config feature flag rollout "
    "canary bug crash leak race performance latency throughput api client server "
    "worker scheduler cron auth token session user admin report export import"
).split()
DIRS = (  # noqa: SIM905 - a word list reads better as prose
    "src api svc payments checkout billing search tracing otel metrics deploy helm "
    "tests test docs internal pkg cmd web ui lib utils core worker jobs"
).split()
EXTS = ["py", "go", "ts", "js", "java", "md", "yml", "toml", "sql"]
LABELS = [
    "bug",
    "feature",
    "chore",
    "observability",
    "tracing",
    "perf",
    "docs",
    "security",
    "dependencies",
    "ci",
    "refactor",
    "tech-debt",
]
STATES = {
    "pull_request": ["merged", "merged", "open", "closed"],
    "review": ["approved", "changes_requested", "commented"],
    "ticket": ["done", "in progress", "closed"],
    "design_doc": ["published", "draft"],
}
DESTINATIONS = {
    "A": ["observability", "distributed-systems", "release-engineering", "testing"],
    "B": ["mentoring", "stakeholder-communication", "project-planning", "debugging"],
    "C": ["writing", "public-speaking"],
}


def make_item(rng: random.Random) -> Evidence:
    kind = rng.choice(KINDS)
    source, source_type = SOURCES[2] if kind == "ticket" else rng.choice(SOURCES[:2])
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 10)))
    body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 120)))
    paths = tuple(
        "/".join(rng.choice(DIRS) for _ in range(rng.randint(1, 4)))
        + f"/{rng.choice(WORDS)}.{rng.choice(EXTS)}"
        for _ in range(rng.randint(0, 15) if kind in ("pull_request", "review") else 0)
    )
    extra: dict[str, Any] = {}
    if kind == "ticket":
        extra = {
            "project": rng.choice(["OPS", "PAY", "WEB"]),
            "issue_type": rng.choice(["Bug", "Story", "Task", "Epic"]),
            "priority": {"name": rng.choice(["High", "Medium", "Low"])},
            "resolution": rng.choice(["Done", "Won't Do", None]),
            "components": rng.sample(["api", "ui", "infra", "data"], 2),
            "parent": {"key": f"OPS-{rng.randint(1, 50)}"},
        }
    if kind == "review":
        extra = {"review_states": [rng.choice(STATES["review"])]}
    return Evidence(
        kind=kind,
        source=source,
        source_type=source_type,
        repo=f"{rng.choice(['acme', 'oss', 'team'])}/{rng.choice(DIRS)}",
        title=title,
        body=body,
        author=rng.choice(["me", "Me", "other"]),
        state=rng.choice(STATES[kind]),
        labels=tuple(rng.sample(LABELS, rng.randint(0, 3))),
        paths=paths,
        additions=rng.randint(0, 800),
        deletions=rng.randint(0, 300),
        changed_files=len(paths) or None,
        extra=extra,
    )


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join('"' + v.replace("\\", "\\\\") + '"' for v in values) + "]"


def _match_keys(rng: random.Random, kind: str | None) -> list[str]:
    keys: list[str] = []
    if kind:
        keys.append(f"kind = {_toml_list([kind])}")
    if rng.random() < 0.5:
        keys.append(f"source = {_toml_list([rng.choice(['github', 'gitlab', 'jira'])])}")
    options: list[Callable[[], str]] = [
        lambda: f"state = {_toml_list(rng.sample(STATES[kind or 'pull_request'], 1))}",
        lambda: f"labels = {_toml_list(rng.sample(LABELS, 2))}",
        lambda: f"repo = {_toml_list([rng.choice(['acme/*', 'oss/**', 'team/s*'])])}",
        lambda: f"paths = {_toml_list([f'**/{rng.choice(DIRS)}/**', '*.' + rng.choice(EXTS)])}",
        lambda: 'title = "(?i)\\\\b(' + "|".join(rng.sample(WORDS, 3)) + ')\\\\b"',
        lambda: 'text = "(?i)\\\\b(' + "|".join(rng.sample(WORDS, 2)) + ')\\\\w*"',
        lambda: f"min_lines = {rng.choice([10, 50, 200])}",
    ]
    if kind == "ticket":
        options.append(lambda: 'issue_type = ["bug", "epic"]')
        options.append(lambda: 'priority = ["high"]')
    for pick in rng.sample(options, rng.randint(1, 3)):
        keys.append(pick())
    return keys


def make_rules_text(count: int, rng: random.Random) -> str:
    blocks = []
    for n in range(count):
        destination = rng.choice(sorted(DESTINATIONS))
        skills = rng.sample(DESTINATIONS[destination], rng.randint(1, 2))
        kind = None if rng.random() < 0.1 else rng.choice(KINDS)
        lines = [
            "[[rule]]",
            f'id = "rule-{n:03d}"',
            f'destination = "{destination}"',
            f"skills = {_toml_list(skills)}",
            f"weight = {rng.choice([1, 1, 2, 3])}",
            "[rule.match]",
            *_match_keys(rng, kind),
        ]
        if rng.random() < 0.3:
            lines += ["[rule.unless]", f"labels = {_toml_list(rng.sample(LABELS, 2))}"]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


@dataclass(frozen=True)
class RulesFigure:
    items: int
    rules: int
    suggestions: int
    compile_s: float
    wall_s: float
    cpu_s: float


def measure(items: int, rules: int, seed: int = 7, repeat: int = 1) -> list[RulesFigure]:
    """Compile `rules` generated rules and evaluate `items` generated items, `repeat` times."""
    rng = random.Random(seed)
    started = time.perf_counter()
    ruleset: RuleSet = parse_rules(make_rules_text(rules, rng), "bench.toml", DESTINATIONS)
    compiled = time.perf_counter() - started
    evidence = [make_item(rng) for _ in range(items)]
    figures = []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        suggestions = sum(len(evaluate(ev, ruleset)) for ev in evidence)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        figures.append(RulesFigure(items, len(ruleset), suggestions, compiled, elapsed, cpu))
    return figures


def run(items: int, rules: int, seed: int, repeat: int = 1) -> None:
    figures = measure(items, rules, seed, repeat)
    print(f"rules: {figures[0].rules} compiled in {figures[0].compile_s * 1000:.0f} ms")
    for attempt, f in enumerate(figures, start=1):
        print(
            f"run {attempt}: {items} items x {f.rules} rules -> {f.suggestions} "
            f"suggestions: {f.wall_s:.2f} s wall, {f.cpu_s:.2f} s CPU "
            f"({f.cpu_s / items * 1e6:.1f} us per item)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--rules", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=1, help="timed runs (a busy machine varies)")
    args = parser.parse_args()
    run(args.items, args.rules, args.seed, args.repeat)


if __name__ == "__main__":
    main()
