"""A report in words: one list of lines that both the text version and the card are made of, so the card and
the text say the same thing (and a web page can print the same lines)."""

from __future__ import annotations

from dataclasses import dataclass

from adr.analysis import LEVEL_TITLES, Report
from core.messages import Card, CardRow, CardSection

FOUND, NOT_FOUND = "พบ", "ไม่พบ"
OK, BAD = "#1B5E20", "#C62828"
#: Report lines the suggestions point at, as the person reads them.
LINE_NAMES = {"chars": "จำนวนอักขระ", "approach": "Approach", "deployment": "Deployment", "result": "Result",
              "numbers": "ผลเป็นตัวเลข", "trend": "แนวโน้มหลายปี", "year": "ปีที่ประเมิน",
              "improved": "งานต่อเนื่อง", "criteria": "เกณฑ์ของประเด็น", "summary": "ภาพรวม"}
NO_LEVELS = ("เอกสารต้นทางไม่มีตารางระดับ Basic / Advance / Significance ของประเด็นนี้ "
             "(มีเฉพาะหมวด 3–6) จึงตรวจได้เฉพาะ ADR จำนวนอักขระ และปี")


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    value: str
    ok: bool | None = None
    quote: str = ""


def _years(years: tuple[int, ...]) -> str:
    return ", ".join(str(y) for y in years)


def report_lines(r: Report) -> list[Line]:
    """The report's lines in order: count, A/D/R, numbers and trend, year, continuing work, criteria."""
    count = f"{r.chars:,} / {r.limit:,}" + (f" เกิน {r.over:,} อักขระ" if r.over else "")
    lines = [Line("chars", "จำนวนอักขระ", count, not r.over)]
    for c in r.components:
        lines.append(Line(c.name, c.label, FOUND if c.found else NOT_FOUND, c.found, c.quote))
    lines.append(Line("numbers", "ผลเป็นตัวเลข", "มี" if r.numbers else "ไม่พบ", r.numbers))
    need = r.trend_needed
    if len(r.trend_years) >= need:
        trend, trend_ok = f"{len(r.trend_years)} ปี ({_years(r.trend_years)})", True
    elif r.trend_years:
        trend, trend_ok = f"{len(r.trend_years)} ปี ({_years(r.trend_years)}) ควรมี {need} ปี", False
    else:
        trend, trend_ok = f"ไม่พบตัวเลขรายปี (ควรมี {need} ปี)", False
    lines.append(Line("trend", "แนวโน้มหลายปี", trend, trend_ok))
    year = {"ok": "ระบุแล้ว", "missing": "ไม่ได้ระบุ",
            "wrong": f"ไม่ได้ระบุ (พบเฉพาะปี {_years(r.years)})"}[r.year_status]
    lines.append(Line("year", f"ปีที่ประเมิน ({r.assessed_year})", year, r.year_status == "ok"))
    if not r.continuing:
        lines.append(Line("improved", "งานต่อเนื่อง", "ไม่พบว่าเป็นงานต่อเนื่อง", None))
    elif r.improved_quote:
        lines.append(Line("improved", "งานต่อเนื่อง", "บอกแล้วว่าดีขึ้นอย่างไร", True, r.improved_quote))
    else:
        lines.append(Line("improved", "งานต่อเนื่อง", "ยังไม่บอกว่าดีขึ้นจากปีที่ผ่านมาอย่างไร", False))
    for c in r.criteria:
        shown = f"{len(c.matched)}/{len(c.terms)} คำสำคัญ"
        value = ("กล่าวถึง" if c.addressed else "ยังไม่ชัด") + f" ({shown})"
        lines.append(Line("criteria", LEVEL_TITLES[c.level], value, c.addressed,
                          ", ".join(c.matched[:6]) if c.matched else ""))
    return lines


def level_note(r: Report) -> str:
    if not r.has_levels:
        return NO_LEVELS
    if not r.level_hint:
        return "ระดับที่ร่างน่าจะสนับสนุน: ยังไม่ถึง Basic (เป็นข้อสังเกตเบื้องต้น ไม่ใช่ผลการประเมิน)"
    return f"ระดับที่ร่างน่าจะสนับสนุน: {LEVEL_TITLES[r.level_hint]} (เป็นข้อสังเกตเบื้องต้น ไม่ใช่ผลการประเมิน)"


def suggestion_lines(r: Report) -> list[str]:
    return [f"{i}) [{LINE_NAMES.get(s.line, s.line)}] {s.text}" for i, s in enumerate(r.suggestions, start=1)]


def heading(r: Report) -> str:
    return f"ผลตรวจร่างคำตอบ {r.title}"


def report_text(r: Report) -> str:
    """The whole report as one chat text (well within LINE's 5,000 UTF-16 units: the quotes are trimmed)."""
    out = [heading(r)]
    criteria_started = False
    for line in report_lines(r):
        if line.key == "criteria" and not criteria_started:
            out.append("เกณฑ์ของประเด็น:")
            criteria_started = True
        text = f"{'• ' if line.key == 'criteria' else ''}{line.label}: {line.value}"
        if line.quote:
            text += f" — “{line.quote}”" if line.key != "criteria" else f" — พบ: {line.quote}"
        out.append(text)
    out.append(level_note(r))
    out.append("ข้อแนะนำ:")
    out.extend(suggestion_lines(r))
    out.append(f"วิธีนับ: {r.count_rule}")
    return "\n".join(out)


def alt_text(r: Report) -> str:
    parts = [f"{c.label} {FOUND if c.found else NOT_FOUND}" for c in r.components]
    over = f" เกิน {r.over:,}" if r.over else ""
    return f"ผลตรวจร่าง ประเด็น {r.praden}: {r.chars:,}/{r.limit:,} อักขระ{over} · " + " · ".join(parts)


def _row(line: Line) -> CardRow:
    color = "" if line.ok is None else (OK if line.ok else BAD)
    return CardRow(line.label, line.value, color=color)


def report_card(r: Report) -> Card:
    """The report as a card (a flex bubble on LINE), in the same words as :func:`report_text`."""
    lines = report_lines(r)
    by_key: dict[str, list[Line]] = {}
    for line in lines:
        by_key.setdefault(line.key, []).append(line)
    [chars] = by_key["chars"]
    adr = [ln for k in ("approach", "deployment", "result") for ln in by_key[k]]
    quotes = "\n".join(f"{ln.label}: “{ln.quote}”" for ln in adr if ln.quote)
    facts = [*by_key["numbers"], *by_key["trend"], *by_key["year"], *by_key["improved"]]
    fact_quotes = "\n".join(f"{ln.label}: “{ln.quote}”" for ln in facts if ln.quote)
    criteria = by_key.get("criteria", [])
    sections = [
        CardSection(rows=(_row(chars),)),
        CardSection(title="ADR", rows=tuple(_row(ln) for ln in adr)),
    ]
    if quotes:
        sections.append(CardSection(body=quotes))
    sections.append(CardSection(title="ผลลัพธ์และปี", rows=tuple(_row(ln) for ln in facts)))
    if fact_quotes:
        sections.append(CardSection(body=fact_quotes))
    sections.append(CardSection(title="เกณฑ์ของประเด็น", body=level_note(r), rows=tuple(_row(ln) for ln in criteria)))
    sections.append(CardSection(title="ข้อแนะนำ", body="\n".join(suggestion_lines(r))))
    return Card(title="ผลตรวจร่างคำตอบ ADR", subtitle=r.title, alt_text=alt_text(r)[:400],
                sections=tuple(sections), footer=f"วิธีนับ: {r.count_rule}")


__all__ = ["Line", "alt_text", "level_note", "report_card", "report_lines", "report_text"]
