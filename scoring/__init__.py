"""Indicator scores, totals and the words around them: pure functions, no Flask, no database, no I/O.

The bot's handlers import from here; the knowledge package supplies the targets (``knowledge.indicators``).
"""

from scoring.core import (
    ASSUMPTION_NOTE,
    BELOW_MIN_NOTES,
    LEVEL_POINTS,
    HasTargets,
    Targets,
    score,
    score_decimal,
    targets_problem,
    weighted_points,
)
from scoring.gap import Gap, format_gap, gap_to_next
from scoring.numbers import NumberReading, format_number, parse_number, read_number, to_decimal
from scoring.rounds import score_round
from scoring.status import Status, status, status_colour, status_label
from scoring.totals import ScoredIndicator, Summary, Total, summarize

__all__ = [
    "ASSUMPTION_NOTE",
    "BELOW_MIN_NOTES",
    "LEVEL_POINTS",
    "Gap",
    "HasTargets",
    "NumberReading",
    "ScoredIndicator",
    "Status",
    "Summary",
    "Targets",
    "Total",
    "format_gap",
    "format_number",
    "gap_to_next",
    "parse_number",
    "read_number",
    "score",
    "score_decimal",
    "score_round",
    "status",
    "status_colour",
    "status_label",
    "summarize",
    "targets_problem",
    "to_decimal",
    "weighted_points",
]
