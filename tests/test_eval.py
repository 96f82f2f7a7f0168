"""The labelled questions, run through the same pipeline as LINE (event → handlers → rendered
messages). The shared sample must stay at 95% or more; our own extra set guards generalisation."""

from __future__ import annotations

from pathlib import Path

import pytest

from commands.kb import register_eval_user
from core.config import PROJECT_ROOT
from core.evaluation import load_questions, run, summary
from tests.conftest import Bot

SHARED = PROJECT_ROOT.parent / "shared" / "eval" / "questions.jsonl"
EXTRA = PROJECT_ROOT / "tests" / "eval" / "extra_questions.jsonl"
#: Written from the source alone by someone who had not seen the bot (first run: 84/90).
HOLDOUT = PROJECT_ROOT / "tests" / "eval" / "holdout_questions.jsonl"
EVAL_USER = "U" + "e" * 32


def _share(bot: Bot, path: Path) -> tuple[float, list[str]]:
    register_eval_user(bot.engine, EVAL_USER)
    outcomes = run(bot.engine, load_questions(path), EVAL_USER)
    misses = [f"{o.id} {o.question!r} → {o.answer[:120]!r}" for o in outcomes if not o.ok]
    return summary(outcomes)["share"], misses


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/eval is not beside the repository")
def test_shared_sample_questions_reach_95_percent(sqlite_bot: Bot):
    share, misses = _share(sqlite_bot, SHARED)
    assert share >= 0.95, misses


@pytest.mark.parametrize("path", [EXTRA, HOLDOUT], ids=["extra", "holdout"])
def test_our_question_sets_reach_95_percent(sqlite_bot: Bot, path: Path):
    share, misses = _share(sqlite_bot, path)
    assert share >= 0.95, misses


FRESH_DEV = PROJECT_ROOT / "tests" / "eval" / "fresh_dev_questions.jsonl"
FRESH_DEV_DIALOGUES = PROJECT_ROOT / "tests" / "eval" / "fresh_dev_dialogues.jsonl"


@pytest.mark.parametrize(("path", "floor"), [(FRESH_DEV, 0.85), (FRESH_DEV_DIALOGUES, 0.8)],
                         ids=["fresh-dev-questions", "fresh-dev-dialogues"])
def test_the_fresh_sets_we_may_read_do_not_fall_back(sqlite_bot: Bot, path: Path, floor: float):
    """Regression floors for the fresh sets' dev halves (first run 68% / 48%; their test halves are measured
    only, by ``kb eval``, and not held to a number here so that nobody tunes on them)."""
    share, misses = _share(sqlite_bot, path)
    assert share >= floor, misses


def test_a_dialogue_turn_is_judged_against_its_none_phrases(sqlite_bot: Bot, tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"id":"d","turns":[{"q":"ประเด็น 4.2 คืออะไร","any":["ประเด็น 4.2"]},'
                    '{"q":"ขอบคุณครับ","any":["ยินดี"],"none":["ประเด็น 4.2"]},'
                    '{"q":"แล้วระดับ advance ล่ะ","any":["ประเด็น 4.2"],"none":["ยินดี"]}]}\n', encoding="utf-8")
    register_eval_user(sqlite_bot.engine, EVAL_USER)
    outcomes = run(sqlite_bot.engine, load_questions(path), EVAL_USER)
    assert [o.ok for o in outcomes] == [True, True, True], outcomes
    path.write_text('{"id":"d","turns":[{"q":"ประเด็น 4.2 คืออะไร","any":["ประเด็น 4.2"],"none":["Basic"]}]}\n',
                    encoding="utf-8")
    assert [o.ok for o in run(sqlite_bot.engine, load_questions(path), EVAL_USER)] == [False]


def test_eval_command_prints_misses_and_share(sqlite_bot: Bot, tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text('{"id":"a","kind":"pmqa","q":"หมวด 1 คืออะไร","any":["การนำองค์การ"]}\n'
                    '{"id":"b","kind":"pmqa","q":"หมวด 2 คืออะไร","any":["ไม่มีวลีนี้แน่นอน"]}\n', encoding="utf-8")
    result = sqlite_bot.app.test_cli_runner().invoke(args=["kb", "eval", str(path), "--min-share", "0.9"])
    assert "MISS b" in result.output and "passed 1/2 = 50.0%" in result.output
    assert result.exit_code == 1
