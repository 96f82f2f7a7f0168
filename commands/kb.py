"""``flask --app bot kb check|unanswered|eval``: for the people who own the content."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from core.config import Settings
from db.models import Unanswered
from db.session import transaction
from knowledge.loader import load_entries
from knowledge.schema import SchemaError


@click.group("kb", cls=AppGroup, help="The knowledge base: check files, review unanswered questions, evaluate.")
def kb_group() -> None:
    pass


@kb_group.command("check")
def check() -> None:
    """Load and check every knowledge file; exit 1 with the exact problem if one is wrong."""
    settings: Settings = current_app.config["BOT_SETTINGS"]
    try:
        entries = load_entries(settings.knowledge_dir)
    except SchemaError as exc:
        click.echo(f"ERROR: {exc}", err=True)
        sys.exit(1)
    topics: dict[str, int] = {}
    for e in entries:
        topics[e.topic or "-"] = topics.get(e.topic or "-", 0) + 1
    click.echo(f"OK: {len(entries)} entries ({', '.join(f'{k} {v}' for k, v in sorted(topics.items()))})")
    from knowledge.followup import load_followup_words
    from knowledge.passages import load_sources
    from knowledge.smalltalk import load_smalltalk

    folder = settings.knowledge_dir
    try:
        talk = load_smalltalk(folder / "conversation" / "smalltalk.yaml")
        load_followup_words(folder / "conversation" / "followups.yaml")
        passages = load_sources(folder / "sources")
    except (SchemaError, OSError) as exc:
        click.echo(f"ERROR: {exc}", err=True)
        sys.exit(1)
    issues = sorted({p.issue.label for p in passages})
    click.echo(f"OK: {len(talk.intents)} small-talk intents; {len(passages)} source passages ({', '.join(issues)})")
    from adr.rules import load_rules, rules_path

    path = rules_path(settings.knowledge_dir)
    try:
        rules = load_rules(path)
    except SchemaError as exc:
        click.echo(f"ERROR: {exc}", err=True)
        sys.exit(1)
    click.echo(f"OK: ADR checker rules {path.name} (limit {rules.char_limit:,} อักขระ, ปี {rules.assessed_year})")


@kb_group.command("unanswered")
@click.option("--limit", default=50, show_default=True)
@click.option("--status", default="new", show_default=True, help="new, reviewed or all")
def unanswered(limit: int, status: str) -> None:
    """Questions the bot could not answer, newest first, with its best guesses."""
    engine = current_app.config["BOT_ENGINE"]
    with transaction(engine.sessions) as session:
        query = select(Unanswered).order_by(Unanswered.id.desc()).limit(limit)
        if status != "all":
            query = query.where(Unanswered.review_status == status)
        rows = session.scalars(query).all()
        for row in rows:
            guesses = ", ".join(f"{c['id']} ({c['confidence']:.2f})" for c in row.candidates or []) or "-"
            click.echo(f"{row.asked_at:%Y-%m-%d %H:%M}\t{row.line_user_id}\t{row.text}\t→ {guesses}")
        click.echo(f"{len(rows)} question(s)")


@kb_group.command("eval")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--min-share", default=0.0, help="Exit 1 when the share of right answers is below this.")
@click.option("--verbose", is_flag=True, help="Print every answer, not only the misses.")
def evaluate(path: Path, min_share: float, verbose: bool) -> None:
    """Run a question file through the LINE pipeline (on a scratch database) and print the misses."""
    from bot import build_engine
    from core.evaluation import load_questions, run, summary
    from db.migrate import upgrade

    settings: Settings = current_app.config["BOT_SETTINGS"]
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/eval.sqlite3"
        upgrade(url)
        scratch = Settings(**{**settings.__dict__, "database_url": url, "line_channel_secret": "",
                              "line_channel_access_token": ""})
        engine = build_engine(scratch)
        register_eval_user(engine, "Ueval0000000000000000000000000000")
        outcomes = run(engine, load_questions(path), "Ueval0000000000000000000000000000")
        engine.dispose()
    for o in outcomes:
        if verbose or not o.ok:
            mark = "ok  " if o.ok else "MISS"
            click.echo(f"{mark} {o.id} [{o.kind}] {o.question}\n     → ({o.handler}) {o.answer[:160]!r}")
    s = summary(outcomes)
    click.echo(f"passed {s['passed']}/{s['total']} = {s['share']:.1%}  by kind: {s['by_kind']}")
    if s["share"] < min_share:
        sys.exit(1)


def register_eval_user(engine, user_id: str) -> None:  # type: ignore[no-untyped-def]
    from db.models import User

    with transaction(engine.sessions) as session:
        session.add(User(line_user_id=user_id, full_name="ผู้ทดสอบ ประเมินผล", unit="พส.", role="staff",
                         status="active"))
