"""The brief's first two sections: the outcomes (accepted evidence with an outcome note,
strongest first) and the progress (levels recorded, mastery suggestions and their
reasons, each learning cycle of the period and how its weeks went)."""

from __future__ import annotations

from datetime import timedelta

from collector.brief.inputs import BriefInputs
from collector.brief.model import Backing, Section, Sentence, backed_by, row_backing, titled
from collector.core.settings_model import Cycle
from collector.progress import Evidence
from collector.progress.cycle_review import cycle_weeks
from collector.progress.evidence import pieces_of_work
from collector.progress.growth import StrongArtifact, counts, strongest_artifacts
from collector.progress.levels import level_on
from collector.progress.lines import md_text, plural
from collector.progress.weeks import CycleWeek, date_label, day_label

# One page: the strongest few of each; the map and the export hold them all.
OUTCOMES_SHOWN = 5
MASTERY_SHOWN = 5


def outcomes_section(inputs: BriefInputs) -> Section:
    accepted = [e for e in inputs.evidence.evidence if e.accepted]
    ranked = strongest_artifacts(accepted, limit=len(accepted))
    noted = [s for s in ranked if s.notes][:OUTCOMES_SHOWN]
    return Section(
        "outcomes",
        "Outcomes",
        tuple(_outcome(s, inputs) for s in noted),
        "_No accepted evidence of this period carries an outcome note yet._",
    )


def _outcome(strong: StrongArtifact, inputs: BriefInputs) -> Sentence:
    artifact = inputs.redaction.artifact(strong.artifact)
    names = inputs.skill_names
    places = ", ".join(md_text(names.get(p, p[1])) for p in strong.places)
    note = md_text(inputs.redaction.text(strong.notes[0]), 300)
    text = f"{titled(artifact)} ({places}, {date_label(artifact.day)}) — outcome: {note}"
    return Sentence(text, backed_by([artifact]))


def progress_section(inputs: BriefInputs) -> Section:
    sentences = [*_level_changes(inputs), *_mastery(inputs)[:MASTERY_SHOWN]]
    cycles = [
        (number, cycle)
        for number, cycle in enumerate(inputs.settings.growth_map.cycles, start=1)
        if _overlaps(cycle, inputs)
    ]
    for number, cycle in cycles:
        # Week by week for a brief on one cycle; a longer period gets each cycle's summary.
        sentences += _cycle(number, cycle, inputs, weekly=len(cycles) == 1)
    return Section(
        "progress",
        "Progress",
        tuple(sentences),
        "_No level recorded, no mastery suggestion and no learning cycle in this period._",
    )


def _level_changes(inputs: BriefInputs) -> list[Sentence]:
    """Levels recorded (`growthmap skill set`) with an effective date in the period."""
    first, last = inputs.period.first, inputs.period.last
    found = []
    for key, name in inputs.skill_names.items():
        changes = inputs.history.get(key, [])
        for change in changes[1:]:
            day = change.effective
            if day is None or (first and day < first) or (last and day > last):
                continue
            before = level_on(changes, day - timedelta(days=1)).level
            if before == change.level:
                continue
            note = f" ({md_text(inputs.redaction.text(change.note), 200)})" if change.note else ""
            text = f"{md_text(name)}: {before} → {change.level} on {date_label(day)}{note}"
            found.append((day, text, row_backing("skill history", day)))
    return [Sentence(text, (backing,)) for _, text, backing in sorted(found, key=lambda f: f[0])]


def _mastery(inputs: BriefInputs) -> list[Sentence]:
    """Mastery suggestions as of the brief's date, backed by the evidence they count."""
    views = {(s.destination, s.id): s for d in inputs.view.destinations for s in d.skills}
    found = []
    for suggestion in inputs.view.suggestions:
        skill = views[(suggestion.destination, suggestion.skill)]
        since = skill.level_since
        mine = [
            e
            for e in pieces_of_work(inputs.everything.for_skill(skill.destination, skill.id))
            if e.accepted and (since is None or e.artifact.day >= since)
        ]
        change = f"{suggestion.current} → {suggestion.proposed}"
        text = (
            f"{md_text(suggestion.skill_name)}: the evidence meets the thresholds for "
            f"{change} — {md_text(suggestion.reason)}"
        )
        found.append(Sentence(text, _strongest_backing(mine, inputs)))
    return found


def _strongest_backing(evidence: list[Evidence], inputs: BriefInputs) -> tuple[Backing, ...]:
    ranked = strongest_artifacts(evidence, limit=len(evidence))
    return backed_by(inputs.redaction.artifact(s.artifact) for s in ranked)


def _overlaps(cycle: Cycle, inputs: BriefInputs) -> bool:
    first, last = inputs.period.first, inputs.period.last
    return (
        cycle.start <= inputs.as_of
        and (last is None or cycle.start <= last)
        and (first is None or cycle.end >= first)
    )


def _cycle(number: int, cycle: Cycle, inputs: BriefInputs, *, weekly: bool) -> list[Sentence]:
    """The cycle's goal against its evidence so far (up to the brief's date), and each
    week's headline, as `growthmap cycle review` drafts them."""
    end = min(cycle.end, inputs.as_of)
    evidence = inputs.everything.within(cycle.start, end)
    weeks = [(w, line) for w, line in cycle_weeks(CycleWeek(number, cycle, 1), evidence)]
    weeks = [(w, line) for w, line in weeks if w.monday() <= end]
    active = [w for w, line in weeks if line != "no evidence"]
    total = counts(evidence.evidence)
    goal = f"goal “{md_text(cycle.goal, 300)}”" if cycle.goal else "no goal set"
    so_far = " so far" if end < cycle.end else ""
    span = f"{day_label(cycle.start)} – {date_label(cycle.end)}"
    text = (
        f"Cycle {number} ({span}), {goal}: {len(active)} of "
        f"{plural(len(weeks), 'week')}{so_far} with evidence; {total.accepted} accepted and "
        f"{total.suggested} suggested artifacts"
    )
    summary = Sentence(text, (Backing(f"log {weeks[0][0].id} – {weeks[-1][0].id}"),))
    if not weekly:
        return [summary]
    lines = "; ".join(f"{week.id}: {line}" for week, line in weeks)
    backing = tuple(Backing(f"log {w.id}") for w in active) or (Backing("log"),)
    return [summary, Sentence(f"Its weeks: {lines}", backing)]
