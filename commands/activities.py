"""``flask --app bot activities import FILE`` and ``activities export --format csv|xlsx [--from --to] [-o]``."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from commands.kpi import write_table
from db import activity_store
from db.session import transaction
from knowledge.activities import ActivitiesError, load_activities


@click.group("activities", help="The integrity plan's activities and staff participation.", cls=AppGroup)
def activities_group() -> None:
    pass


@activities_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Import even if recorded participations point at items the file lacks.")
def import_command(path: Path, force: bool) -> None:
    """Check a year's activity file and store it (replacing that year's plan)."""
    try:
        plan = load_activities(path)
    except ActivitiesError as exc:
        click.echo(f"ERROR: {exc}", err=True)
        sys.exit(1)
    with transaction(current_app.config["BOT_ENGINE"].sessions) as session:
        orphans = activity_store.orphans_if_imported(session, plan)
        if orphans and not force:
            listed = ", ".join(f"ปี {fy} {code} รายการที่ {item}" for fy, code, item in orphans[:10])
            click.echo(f"ERROR: {path.name}: มีการบันทึกที่อ้างถึงกิจกรรม/รายการที่ไฟล์นี้ไม่มี ({listed}) "
                       "— keep those codes and item numbers, or use --force", err=True)
            sys.exit(1)
        outcome = activity_store.import_plan(session, plan, actor="cli")
    items = sum(len(a.items) for a in plan.activities)
    click.echo(f"{outcome} fiscal year {plan.fiscal_year}: {len(plan.activities)} activities, {items} items")


def _day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    """YYYY-MM-DD; a Buddhist-era year (2567-05-03) is accepted too."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError as exc:
        raise click.BadParameter(f"{value!r}: use YYYY-MM-DD, e.g. 2024-05-03 or 2567-05-03") from exc
    return day.replace(year=day.year - activity_store.BE_OFFSET) if day.year >= 2400 else day


@activities_group.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option("--from", "start", callback=_day, default=None, help="First day (YYYY-MM-DD, inclusive).")
@click.option("--to", "end", callback=_day, default=None, help="Last day (YYYY-MM-DD, inclusive).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: standard output for csv, activities.xlsx for xlsx).")
def export_command(fmt: str, start: date | None, end: date | None, output: Path | None) -> None:
    """One row per participation, header first (UTF-8 with BOM for CSV so Excel shows Thai)."""
    if start and end and start > end:
        raise click.BadParameter("--from is after --to")
    with transaction(current_app.config["BOT_ENGINE"].sessions) as session:
        rows = activity_store.export_rows(session, start, end)
    write_table(activity_store.EXPORT_HEADER, rows, fmt, output, default_name="activities")
