"""The benchmark suite at the tiny size: it runs end to end and its figures add up.

No timing asserts (performance lives in benchmarks/RESULTS.md); this keeps the command
from breaking as the code under it changes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.__main__ import main  # noqa: E402
from benchmarks.report import render  # noqa: E402
from benchmarks.runs import SOURCES  # noqa: E402
from benchmarks.suite import Log, Plan, SuiteResult, run_suite  # noqa: E402


@pytest.fixture(scope="module")
def result() -> SuiteResult:
    plan = Plan(
        sizes=("tiny",),
        latency_ms=0,
        baseline_limit=None,
        upsert_items=300,
        rules_items=500,
        rules_count=20,
        export_items=500,  # the command runs end to end; its figures come from RESULTS.md
        export_repeat=1,
    )
    return run_suite(plan, Log(quiet=True))


def test_cold_collect_reads_every_source_and_warm_finds_nothing_new(
    result: SuiteResult,
) -> None:
    (size,) = result.sizes
    for source in SOURCES:
        assert size.cold.items(source) > 0, source
        assert size.cold.served[source] >= size.cold.requests(source) > 0
    pull_requests = next(s for s in size.cold.streams if s.stream == "pull_requests")
    assert pull_requests.items == size.world["authored PRs"]
    assert sum(s.items for s in size.warm.streams) == 0
    assert size.cold.peak_rss_mb > 10


def test_baseline_reads_the_same_prs_one_request_each_at_least(result: SuiteResult) -> None:
    (size,) = result.sizes
    assert size.baseline is not None
    assert size.baseline.prs == size.world["authored PRs"]
    assert size.baseline.requests >= 3 * size.baseline.prs  # PR, reviews, files per PR
    assert size.baseline.files > size.baseline.prs


def test_ledger_rules_and_drafting_figures(result: SuiteResult) -> None:
    assert result.upserts and all(u.insert_per_s > 0 for u in result.upserts)
    assert result.rules is not None and result.rules.suggestions > 0
    (size,) = result.sizes
    assert size.drafting.weeks > 10  # a year of evidence spans many weeks


def test_report_names_machine_figures_and_targets(result: SuiteResult) -> None:
    text = render(result, "python -m benchmarks --size tiny")
    for heading in ("## Machine", "## Size tiny", "Baseline", "## Targets", "cores"):
        assert heading in text
    assert "N/40 + 10" in text


def test_command_line_rejects_an_unknown_size(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--size", "XL"])
    assert "unknown XL" in capsys.readouterr().err
