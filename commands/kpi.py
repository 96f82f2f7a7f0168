"""``flask --app bot kpi import FILE`` and ``kpi export --format csv|xlsx``."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from db import kpi_store
from db.session import transaction
from knowledge.indicators import CatalogueError, load_catalogue
from scoring import format_number, status

EXPORT_HEADER = ["ปีงบประมาณ", "รอบ (เดือน)", "องค์ประกอบ", "ตัวชี้วัดที่", "ชื่อตัวชี้วัด", "น้ำหนัก", "หน่วยงาน",
                 "หน่วยนับ", "ค่าเป้าหมายขั้นต่ำ", "ค่าเป้าหมายมาตรฐาน", "ค่าเป้าหมายขั้นสูง", "ผลการดำเนินงาน",
                 "คะแนน", "คะแนนถ่วงน้ำหนัก", "สถานะ"]


@click.group("kpi", help="Indicator catalogues and results.", cls=AppGroup)
def kpi_group() -> None:
    pass


@kpi_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(path: Path) -> None:
    """Import a year's indicator file (checked first; recorded results are kept)."""
    try:
        catalogue = load_catalogue(path)
    except CatalogueError as exc:
        click.echo(f"ERROR: {exc}", err=True)
        sys.exit(1)
    engine = current_app.config["BOT_ENGINE"]
    with transaction(engine.sessions) as session:
        counts = kpi_store.import_catalogue(session, catalogue, actor="cli")
    click.echo(f"imported fiscal year {catalogue.fiscal_year}: {counts['indicators']} indicators, "
               f"{counts['results_added']} results added, {counts['results_kept']} recorded results kept")


def export_rows(session, year: int | None = None) -> list[list[str]]:  # type: ignore[no-untyped-def]
    rows: list[list[str]] = []
    year = year or kpi_store.current_year(session)
    catalogue = kpi_store.catalogue_for(session, year) if year else None
    if catalogue is None:
        return rows
    for rnd in catalogue.rounds:
        view = kpi_store.round_view(session, year, rnd.months)
        if view is None:
            continue
        for ind in catalogue.indicators:
            targets = ind.rounds.get(rnd.months)
            item = view.item(ind.number)
            score = item.score if item else None
            rows.append([
                str(year), str(rnd.months), str(ind.component), str(ind.number), ind.name, format_number(ind.weight),
                ind.unit or "", ind.measure or "",
                *(format_number(v) if targets else "" for v in (
                    (targets.min, targets.standard, targets.high) if targets else (0, 0, 0))),
                format_number(item.result) if item and item.result is not None else "",
                f"{score:.2f}" if score is not None else "",
                f"{item.points:.4f}" if item and item.points is not None else "",
                status(score).label,
            ])
    return rows


@kpi_group.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option("--year", type=int, default=None, help="Fiscal year (default: the latest imported).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: standard output for csv, kpi.xlsx for xlsx).")
def export_command(fmt: str, year: int | None, output: Path | None) -> None:
    engine = current_app.config["BOT_ENGINE"]
    with transaction(engine.sessions) as session:
        rows = export_rows(session, year)
    write_table(EXPORT_HEADER, rows, fmt, output, default_name="kpi")


def table_bytes(header: list[str], rows: list[list[str]], fmt: str) -> bytes:
    """CSV as UTF-8 with a BOM (so Excel shows Thai), or a real .xlsx workbook (the CLI and the back office)."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_table(header: list[str], rows: list[list[str]], fmt: str, output: Path | None, default_name: str) -> None:
    data = table_bytes(header, rows, fmt)
    if fmt == "csv" and output is None:
        sys.stdout.buffer.write(data)
        return
    target = output or Path(f"{default_name}.xlsx")
    target.write_bytes(data)
    click.echo(f"wrote {len(rows)} row(s) to {target}", err=True)
