"""Every recorded answer says where it comes from and under which licence."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from contract.corpus import CORPUS, SOURCE_SUFFIX, corpus_files, source_of

# Licences whose terms allow keeping a verbatim copy here (with the notice in SOURCES.md).
ALLOWED_LICENCES = {"MIT", "Apache-2.0", "BSD-2-Clause", "LGPL-3.0", "GPL-3.0-or-later"}
REQUIRED = ("repository", "commit", "path", "licence", "recorded_from", "trimmed")
SOURCES_MD = Path(__file__).parent / "SOURCES.md"


def test_the_corpus_holds_answers_from_each_source() -> None:
    kinds = {path.relative_to(CORPUS).parts[0] for path in corpus_files()}
    assert kinds == {"github", "gitlab", "jira"}


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.relative_to(CORPUS).as_posix())
def test_each_answer_has_its_source_recorded(path: Path) -> None:
    source = source_of(path)
    missing = [key for key in REQUIRED if not source.get(key)]
    assert not missing, f"{path.name}{SOURCE_SUFFIX} lacks {missing}"
    assert re.fullmatch(r"[\w.-]+/[\w.-]+", source["repository"])
    assert re.fullmatch(r"[0-9a-f]{40}", source["commit"])
    assert source["licence"] in ALLOWED_LICENCES
    assert f"`{path.relative_to(CORPUS).as_posix()}`" in SOURCES_MD.read_text("utf-8")


def test_no_source_record_without_its_answer() -> None:
    answers = {p.name for p in corpus_files()}
    records = {p.name.removesuffix(SOURCE_SUFFIX) for p in CORPUS.rglob(f"*{SOURCE_SUFFIX}")}
    assert records == answers
