"""KPI and participation dashboards (Chart.js, served from this app), and the CSV/XLSX downloads."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from flask import Response, render_template, request
from sqlalchemy import select

from channels.admin.auth import allow, audit, db, engine
from channels.admin.blueprint import admin
from commands.kpi import EXPORT_HEADER as KPI_HEADER
from commands.kpi import export_rows as kpi_rows
from commands.kpi import table_bytes
from db import activity_store, kpi_store
from db.activities import Participation
from db.kpi import KpiChange
from knowledge.kept import thai_when
from scoring import format_number, status

MONTHS = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")


def short_name(indicator) -> str:  # type: ignore[no-untyped-def]
    return getattr(indicator, "short", None) or indicator.name


@admin.get("/kpi")
@allow("admin", "manager")
def kpi():  # type: ignore[no-untyped-def]
    with db() as s:
        year = request.args.get("year", type=int) or kpi_store.current_year(s)
        months = request.args.get("round", type=int)
        view = kpi_store.round_view(s, year, months) if year else None
        if view is None:
            return render_template("admin/message.html", title="แดชบอร์ด KPI", message="ยังไม่มีข้อมูลตัวชี้วัดค่ะ")
        rows = []
        for ind in view.catalogue.indicators:
            targets = ind.rounds.get(view.months)
            item = view.item(ind.number)
            score = item.score if item else None
            rows.append({
                "number": ind.number, "short": short_name(ind), "name": ind.name, "weight": format_number(ind.weight),
                "targets": [format_number(v) for v in (targets.min, targets.standard, targets.high)] if targets else [],
                "measure": ind.measure or "", "result": format_number(item.result) if item and item.result is not None
                else "", "score": round(score, 2) if score is not None else None, "status": status(score).label,
            })
        changes = list(s.scalars(select(KpiChange).where(KpiChange.fiscal_year == view.catalogue.fiscal_year)
                                 .order_by(KpiChange.id.desc()).limit(200)))
        names = {ind.number: short_name(ind) for ind in view.catalogue.indicators}
        history = [{"when": thai_when(c.at), "number": c.indicator_no, "name": names.get(c.indicator_no, ""),
                    "round": c.round_months, "old": format_number(c.old_result) if c.old_result is not None else "-",
                    "new": format_number(c.new_result), "by": c.changed_by_name or "-",
                    "score": f"{float(c.new_score):.2f}" if c.new_score is not None else "-"} for c in changes]
        overall = view.summary.overall
        chart = {"labels": [f"{r['number']}. {r['short']}" for r in rows],
                 "scores": [r["score"] for r in rows]}
        return render_template("admin/kpi.html", view=view, rows=rows, history=history, overall=overall,
                               chart=chart, rounds=view.catalogue.rounds)


def _day(name: str) -> date | None:
    raw = request.args.get(name, "").strip()
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@admin.get("/participation")
@allow("admin", "manager")
def participation():  # type: ignore[no-untyped-def]
    today = activity_store.bangkok_today(engine().clock())
    with db() as s:
        years = sorted(set(s.scalars(select(Participation.fiscal_year).distinct())) |
                       {activity_store.fiscal_year_of(today)}, reverse=True)
        year = request.args.get("year", type=int) or years[0]
        start = _day("from") or activity_store.fiscal_start(year)
        end = _day("to") or activity_store.fiscal_end(year)
        unit, code = request.args.get("unit", ""), request.args.get("activity", "")
        query = select(Participation.day, Participation.unit, Participation.activity_code, Participation.user_key) \
            .where(Participation.day >= start, Participation.day <= end)
        if unit:
            query = query.where(Participation.unit == unit)
        if code:
            query = query.where(Participation.activity_code == code)
        records = s.execute(query).all()
        plan = activity_store.plan_for(s, year)
        activities = [(a.code, a.short or a.name) for a in plan.activities] if plan else []
        names = dict(activities)
        by_activity, by_unit, by_month = Counter(), Counter(), Counter()
        people: dict[str, set[str]] = defaultdict(set)
        for day, rec_unit, rec_code, key in records:
            by_activity[names.get(rec_code, rec_code)] += 1
            by_unit[rec_unit or "-"] += 1
            by_month[(day.year, day.month)] += 1
            people[rec_code].add(key)
        months = []
        cursor = date(start.year, start.month, 1)
        while cursor <= end and len(months) < 36:
            months.append(cursor)
            cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
        charts = {
            "activity": {"labels": list(by_activity), "values": list(by_activity.values())},
            "unit": {"labels": sorted(by_unit), "values": [by_unit[u] for u in sorted(by_unit)]},
            "month": {"labels": [f"{MONTHS[m.month - 1]} {str(m.year + 543)[2:]}" for m in months],
                      "values": [by_month[(m.year, m.month)] for m in months]},
        }
        units = sorted(set(engine().settings.units) | set(s.scalars(select(Participation.unit).distinct())) - {""})
        return render_template(
            "admin/participation.html", charts=charts, total=len(records),
            participants=len({r[3] for r in records}), years=years, year=year, units=units, unit=unit,
            activities=activities, activity=code, start=start, end=end)


DOWNLOADS = {"kpi": "ผลตัวชี้วัด (KPI) ทุกตัวทุกรอบ", "activities": "การเข้าร่วมกิจกรรม (หนึ่งแถวต่อหนึ่งการบันทึก)",
             "unanswered": "คำถามที่บอทตอบไม่ได้", "kept": "คำตอบที่บันทึกไว้"}


@admin.get("/downloads")
@allow("admin", "manager")
def downloads():  # type: ignore[no-untyped-def]
    return render_template("admin/downloads.html", downloads=DOWNLOADS)


@admin.get("/downloads/<name>.<fmt>")
@allow("admin", "manager")
def download(name: str, fmt: str):  # type: ignore[no-untyped-def]
    if name not in DOWNLOADS or fmt not in ("csv", "xlsx"):
        return render_template("admin/message.html", title="ดาวน์โหลด", message="ไม่มีไฟล์นี้ค่ะ"), 404
    with db() as s:
        if name == "kpi":
            header, rows = KPI_HEADER, kpi_rows(s)
        elif name == "activities":
            header, rows = activity_store.EXPORT_HEADER, activity_store.export_rows(s, _day("from"), _day("to"))
        else:
            from commands.kb import kept_rows, unanswered_rows

            header, rows = (kept_rows if name == "kept" else unanswered_rows)(s)
        audit(s, "download", file=f"{name}.{fmt}", rows=len(rows))
    mime = "text/csv; charset=utf-8" if fmt == "csv" else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(table_bytes(header, rows, fmt), mimetype=mime,
                    headers={"Content-Disposition": f"attachment; filename={name}.{fmt}"})
