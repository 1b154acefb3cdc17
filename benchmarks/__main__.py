"""`python -m benchmarks [--size S,M] [--latency-ms 50] [--out benchmarks/RESULTS.md]`

Runs from a source checkout: the fake servers are imported from `tests/fakes/`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks.report import render
from benchmarks.suite import Log, Plan, run_suite
from benchmarks.worlds import SIZES


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--size",
        default="S,M",
        help=f"one size or a comma list of {', '.join(SIZES)} (default S,M)",
    )
    parser.add_argument("--latency-ms", type=float, default=50.0, help="per request (default 50)")
    parser.add_argument("--out", type=Path, default=None, help="write the Markdown report here")
    parser.add_argument(
        "--baseline-limit",
        type=int,
        default=None,
        help="the naive baseline reads at most this many PRs (default: all)",
    )
    parser.add_argument("--rules-items", type=int, default=None)
    parser.add_argument("--upsert-items", type=int, default=None)
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    args = parser.parse_args(argv)
    sizes = tuple(s.strip() for s in args.size.split(",") if s.strip())
    unknown = [s for s in sizes if s not in SIZES]
    if unknown or not sizes:
        parser.error(f"--size: unknown {', '.join(unknown) or 'empty'}; sizes are {list(SIZES)}")
    args.sizes = sizes
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    tiny = args.sizes == ("tiny",)
    plan = Plan(
        sizes=args.sizes,
        latency_ms=args.latency_ms,
        baseline_limit=args.baseline_limit,
        upsert_items=args.upsert_items or (500 if tiny else 20_000),
        rules_items=args.rules_items or (1_000 if tiny else 100_000),
        rules_count=20 if tiny else 200,
        github_wide=not tiny,
        export_items=1_000 if tiny else 20_000,
        pairing=not tiny,
    )
    result = run_suite(plan, Log(args.quiet))
    command = "python -m benchmarks " + " ".join(argv if argv is not None else sys.argv[1:])
    text = render(result, command.strip())
    if args.out is not None:
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
