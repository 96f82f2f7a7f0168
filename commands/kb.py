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
from db import kept_store
from db.backoffice import KeptAnswer
from db.models import Unanswered
from db.session import transaction
from knowledge.kept import thai_when, with_kept
from knowledge.loader import load_entries
from knowledge.schema import Entry, SchemaError, check_links


@click.group("kb", cls=AppGroup, help="The knowledge base: check files, review unanswered questions, evaluate.")
def kb_group() -> None:
    pass


@kb_group.command("check")
def check() -> None:
    """Load and check every knowledge file; exit 1 with the exact problem if one is wrong."""
    try:
        entries = all_entries()
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

    settings: Settings = current_app.config["BOT_SETTINGS"]
    folder = settings.knowledge_dir
    try:
        talk = load_smalltalk(folder / "conversation" / "smalltalk.yaml")
        load_followup_words(folder / "conversation" / "followups.yaml")
        from knowledge.query import read_synonyms

        read_synonyms(folder / "conversation" / "synonyms.yaml")
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
    from compose import build_engine
    from core.evaluation import load_questions, run, summary
    from db.migrate import upgrade

    settings: Settings = current_app.config["BOT_SETTINGS"]
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/eval.sqlite3"
        upgrade(url)
        scratch = Settings(**{**settings.__dict__, "database_url": url, "line_channel_secret": "",
                              "line_channel_access_token": ""})
        copy_kept_answers(current_app.config["BOT_ENGINE"], url)  # the kept answers are evaluated too
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


def all_entries() -> list[Entry]:
    """The files' entries and the answers kept in the database, checked together."""
    settings: Settings = current_app.config["BOT_SETTINGS"]
    with transaction(current_app.config["BOT_ENGINE"].sessions) as session:
        kept = kept_store.active(session)
    entries = with_kept(load_entries(settings.knowledge_dir), kept)
    check_links(entries)
    return entries


def copy_kept_answers(source, url: str) -> None:  # type: ignore[no-untyped-def]
    """The kept answers into another (migrated) database: ``kb eval``'s scratch one."""
    from db.session import make_engine, make_session_factory

    with transaction(source.sessions) as session:
        rows = [{c.name: getattr(r, c.name) for c in KeptAnswer.__table__.columns}
                for r in session.scalars(select(KeptAnswer))]
    target = make_engine(url)
    with transaction(make_session_factory(target)) as session:
        session.add_all(KeptAnswer(**row) for row in rows)
    target.dispose()


EXPORT_HEADER = ["id", "หัวข้อ", "ชื่อเรื่อง", "คำตอบ", "ที่มา", "ไฟล์/แหล่ง", "คำถามตัวอย่าง"]


@kb_group.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None)
def export(fmt: str, output: Path | None) -> None:
    """Every entry the bot answers from (the files' and the kept answers), one row each."""
    from commands.kpi import write_table

    rows = [[e.id, e.topic, e.title, e.answer, e.source, e.origin, " | ".join(e.questions)] for e in all_entries()]
    write_table(EXPORT_HEADER, rows, fmt, output, default_name="knowledge")


UNANSWERED_HEADER = ["ถามเมื่อ", "คำถาม", "สถานะ", "หัวข้อที่บอทพิจารณา", "ตอบเมื่อ", "คำตอบ"]
KEPT_HEADER = ["id", "คำถาม", "คำถามแบบอื่น", "คำตอบ", "สถานะ", "เขียนโดย", "เขียนเมื่อ", "แก้ไขล่าสุดโดย", "แก้ไขเมื่อ"]


def unanswered_rows(session) -> tuple[list[str], list[list[str]]]:  # type: ignore[no-untyped-def]
    rows = session.scalars(select(Unanswered).where(Unanswered.text != "").order_by(Unanswered.id.desc()))
    return UNANSWERED_HEADER, [
        [thai_when(r.asked_at), r.text, r.review_status, ", ".join(c.get("title", "") for c in r.candidates or []),
         thai_when(r.answered_at) if r.answered_at else "", r.answer] for r in rows]


def kept_rows(session) -> tuple[list[str], list[list[str]]]:  # type: ignore[no-untyped-def]
    rows = session.scalars(select(KeptAnswer).order_by(KeptAnswer.id))
    return KEPT_HEADER, [
        [str(r.id), r.question, " | ".join(r.questions or []), r.answer, r.status, r.author_name,
         thai_when(r.created_at), r.updated_by_name, thai_when(r.updated_at)] for r in rows]
