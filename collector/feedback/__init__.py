"""Feedback sessions: 1:1s recorded in the guide's rubric (what went well, what was
challenging, what to improve next sprint, what support is needed), optionally with a quote
tied to a skill and a level, which counts as evidence for that skill.

- `sessions`: record, list and describe sessions (`growthmap feedback add|list`);
- `cadence`: with `[growth_map] feedback_every`, when the next session is due.

Below `progress` (which reads the quotes as evidence and the cadence for the map) and above
the ledger: only the engineer writes this table; no collect or rule run touches it.
"""

from collector.feedback.cadence import FeedbackCadence, feedback_cadence
from collector.feedback.sessions import (
    FeedbackFields,
    describe_feedback,
    feedback_in,
    feedback_json,
    list_feedback,
    record_feedback,
    resolve_skill_ref,
)

__all__ = [
    "FeedbackCadence",
    "FeedbackFields",
    "describe_feedback",
    "feedback_cadence",
    "feedback_in",
    "feedback_json",
    "list_feedback",
    "record_feedback",
    "resolve_skill_ref",
]
