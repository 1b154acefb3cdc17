"""Each validation problem names the file, the rule and the key; all are reported at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules import RuleProblem, RulesInvalid, load_rules

GOOD = """
[[rule]]
id = "{id}"
destination = "A"
skills = ["observability"]
[rule.match]
kind = "pull_request"
"""


def _problems(tmp_path: Path, text: str, growth_map: dict[str, list[str]] | None) -> list[str]:
    file = tmp_path / "rules.toml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(RulesInvalid) as caught:
        load_rules([file], growth_map)
    for problem in caught.value.problems:
        assert problem.file == str(file)
        assert str(problem) in str(caught.value)
    return [str(p).removeprefix(f"{file}: ") for p in caught.value.problems]


def _rule(match: str = 'kind = "pull_request"', head: str = "", unless: str = "") -> str:
    text = f'[[rule]]\nid = "r1"\ndestination = "A"\nskills = ["observability"]\n{head}\n'
    text += f"[rule.match]\n{match}\n"
    return text + (f"[rule.unless]\n{unless}\n" if unless else "")


# (rule text, expected problem text after the file name)
CASES = [
    (
        _rule(head='destinaton = "A"'),
        "rule 'r1': key 'destinaton': unknown rule key 'destinaton'; did you mean 'destination'?",
    ),
    (
        _rule(match='kind = "review"\ntitel = "x"'),
        "rule 'r1': key 'match.titel': unknown match key 'titel'; did you mean 'title'?",
    ),
    (
        _rule(unless='lables = ["chore"]'),
        "rule 'r1': key 'unless.lables': unknown match key 'lables'; did you mean 'labels'?",
    ),
    (
        '[[rule]]\ndestination = "A"\nskills = ["testing"]\n[rule.match]\nkind = "review"\n',
        "rule #1: key 'id': missing: every rule needs an id",
    ),
    (
        '[[rule]]\nid = "r1"\nskills = ["testing"]\n[rule.match]\nkind = "review"\n',
        "rule 'r1': key 'destination': missing: every rule needs a destination",
    ),
    (
        '[[rule]]\nid = "r1"\ndestination = "A"\n[rule.match]\nkind = "review"\n',
        "rule 'r1': key 'skills': missing: every rule needs skills",
    ),
    (
        _rule().replace('destination = "A"', 'destination = "Z"'),
        "rule 'r1': key 'destination': the growth map has no destination 'Z'; it has: A, B, C",
    ),
    (
        _rule().replace('["observability"]', '["observability", "mentoring"]'),
        "rule 'r1': key 'skills': destination 'A' has no skill 'mentoring'; "
        "it belongs to destination B",
    ),
    (
        _rule(match='title = "(unclosed"'),
        "rule 'r1': key 'match.title': invalid regular expression: missing ): (unclosed",
    ),
    (
        _rule(match='title = "(fix)\\\\s+\\\\1"'),
        "rule 'r1': key 'match.title': RE2 cannot run this pattern: it uses backreferences "
        "such as \\1 or (?P=name), which RE2 does not support",
    ),
    (
        _rule(match='body = "foo(?!bar)"'),
        "rule 'r1': key 'match.body': RE2 cannot run this pattern: it uses lookaround",
    ),
    (
        _rule(match='text = "(?<=v)\\\\d+"'),
        "rule 'r1': key 'match.text': RE2 cannot run this pattern: it uses lookaround",
    ),
    (
        _rule(match='title = "((a{100}){100}){100}"'),
        "rule 'r1': key 'match.title': RE2 cannot run this pattern: it repeats too much",
    ),
    (
        _rule(match='title = "(?:\\\\pL{500}){2}"'),
        "rule 'r1': key 'match.title': RE2 cannot run this pattern: it repeats too much",
    ),
    (
        _rule(match='paths = ["src/[ab"]'),
        "rule 'r1': key 'match.paths': invalid glob 'src/[ab': '[' is never closed with ']'",
    ),
    (
        _rule(match='paths = ["src/a**b/x"]'),
        "rule 'r1': key 'match.paths': invalid glob 'src/a**b/x': '**' must be a whole path",
    ),
    (
        _rule(match='repo = "acme//x"'),
        "rule 'r1': key 'match.repo': invalid glob 'acme//x': it has an empty path segment",
    ),
    (_rule(match=""), "rule 'r1': key 'match': is empty: a rule must match on at least one key"),
    (
        _rule().replace('[rule.match]\nkind = "pull_request"\n', ""),
        "rule 'r1': key 'match': missing: add a [rule.match] table",
    ),
    (
        _rule(match="labels = []"),
        "rule 'r1': key 'match.labels': is an empty list, which matches nothing",
    ),
    (
        _rule(match="labels = 3"),
        "rule 'r1': key 'match.labels': must be a string or a list of strings (values), "
        "not an integer",
    ),
    (
        _rule(match='min_lines = "10"'),
        "rule 'r1': key 'match.min_lines': must be a whole number >= 0, not '10'",
    ),
    (
        _rule(match="min_lines = 10\nmax_lines = 5"),
        "rule 'r1': key 'match.max_lines': max_lines 5 is below min_lines 10",
    ),
    (_rule(head="weight = 0"), "rule 'r1': key 'weight': must be greater than 0, not 0"),
    (_rule(head='weight = "high"'), "rule 'r1': key 'weight': must be a number, not a string"),
    (
        _rule().replace('["observability"]', '"observability"'),
        "rule 'r1': key 'skills': must be a non-empty list of skill ids, not a string",
    ),
    (
        _rule(head="description = 5"),
        "rule 'r1': key 'description': must be a string, not an integer",
    ),
    (
        '[[rule]]\nid = 7\ndestination = "A"\nskills = ["testing"]\n[rule.match]\nkind = "x"\n',
        "rule #1: key 'id': must be a string, not an integer",
    ),
    (
        _rule(head="match = 3").replace('[rule.match]\nkind = "pull_request"\n', ""),
        "rule 'r1': key 'match': must be a table ([rule.match]), not an integer",
    ),
    ('[rule]\nid = "r1"\n', "key 'rule': rules are written as [[rule]]"),
    (GOOD.format(id="r1") + "\n[other]\nx = 1\n", "key 'other': unknown top-level key 'other'"),
    ('[[rule]]\nid = "r1"\ndestination = "A"\nskills = [\n', "invalid TOML: "),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[1][:60] for c in CASES])
def test_problem_message(
    tmp_path: Path, text: str, expected: str, growth_map: dict[str, list[str]]
) -> None:
    problems = _problems(tmp_path, text, growth_map)
    assert any(p.startswith(expected) for p in problems), problems


def test_invalid_toml_gives_line_and_column(tmp_path: Path) -> None:
    text = 'x = 1\n[[rule]]\nid = "r1"\nskills = [1 2]\nfoo = 3\n'
    (problem,) = _problems(tmp_path, text, None)
    assert problem == "invalid TOML: Unclosed array (at line 4, column 13)"


def test_every_problem_is_collected_at_once(
    tmp_path: Path, growth_map: dict[str, list[str]]
) -> None:
    text = _rule(
        head='colour = "red"\nweight = -1',
        match='title = "(?=x)"\npaths = "[z-a]"',
    ).replace('destination = "A"', 'destination = "X"') + GOOD.format(id="r2").replace(
        'kind = "pull_request"', "min_files = -3"
    )
    problems = _problems(tmp_path, text, growth_map)
    keys = [p.split(": ")[1] for p in problems]
    assert keys == [
        "key 'colour'",
        "key 'weight'",
        "key 'destination'",
        "key 'match.title'",
        "key 'match.paths'",
        "key 'match.min_files'",
    ]
    assert problems[-1].startswith("rule 'r2'")


def test_duplicate_ids_across_files_name_both(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(GOOD.format(id="same"), encoding="utf-8")
    (tmp_path / "b.toml").write_text(GOOD.format(id="same"), encoding="utf-8")
    with pytest.raises(RulesInvalid) as caught:
        load_rules([tmp_path])
    assert caught.value.problems == (
        RuleProblem(
            str(tmp_path / "b.toml"),
            "same",
            "id",
            f"duplicate rule id: already defined in {tmp_path / 'a.toml'}",
        ),
    )


def test_duplicate_ids_in_one_file(tmp_path: Path) -> None:
    problems = _problems(tmp_path, GOOD.format(id="x") + GOOD.format(id="x"), None)
    assert problems == [
        "rule 'x': key 'id': duplicate rule id: already defined earlier in this file"
    ]


def test_a_missing_path_is_a_problem(tmp_path: Path) -> None:
    with pytest.raises(RulesInvalid, match="no such rule file or folder"):
        load_rules([tmp_path / "nope.toml"])


def test_growth_map_none_skips_the_destination_check(tmp_path: Path) -> None:
    file = tmp_path / "r.toml"
    file.write_text(GOOD.format(id="r").replace('"A"', '"Anything"'), encoding="utf-8")
    assert len(load_rules([file], None)) == 1


def test_the_exception_reads_well(tmp_path: Path) -> None:
    file = tmp_path / "r.toml"
    file.write_text(_rule(match='title = "(a)\\\\1"\nlabels = []'), encoding="utf-8")
    with pytest.raises(RulesInvalid) as caught:
        load_rules([file])
    lines = str(caught.value).splitlines()
    assert lines[0] == "2 problems in the rule files:"
    assert lines[1].startswith(f"  {file}: rule 'r1': key 'match.title': RE2 cannot run")
    assert lines[2].startswith(f"  {file}: rule 'r1': key 'match.labels': is an empty list")


def test_duplicate_ids_are_found_among_invalid_rules_too(tmp_path: Path) -> None:
    broken = GOOD.format(id="same").replace('kind = "pull_request"', "labels = []")
    problems = _problems(tmp_path, broken + broken, None)
    assert problems == [
        "rule 'same': key 'match.labels': is an empty list, which matches nothing: "
        "remove the key or add values",
        "rule 'same': key 'match.labels': is an empty list, which matches nothing: "
        "remove the key or add values",
        "rule 'same': key 'id': duplicate rule id: already defined earlier in this file",
    ]
