"""Knowledge entries generated from the structured catalogues (indicators, activities).

The catalogues are the single truth for those facts; the knowledge base only derives entries from
them so that free questions ("ตัวชี้วัดเรื่อง Digital Survey", "กิจกรรม Hall of Fame คืออะไร") find them.
"""

from __future__ import annotations

from pathlib import Path

from knowledge.activities import latest_activities_path, load_activities
from knowledge.indicators import latest_catalogue_path, load_catalogue
from knowledge.schema import Entry
from scoring import format_number

#: What staff ask about an indicator; every indicator entry answers all of them.
INDICATOR_ATTRIBUTES = ("หน่วยงานรับผิดชอบ", "รับผิดชอบ", "ดูแล", "หน่วย", "น้ำหนัก", "ค่าเป้าหมาย", "เป้าหมาย",
                        "ผลการดำเนินงาน", "ผลงาน", "คะแนน")


def indicator_entries(knowledge_dir: Path) -> list[Entry]:
    folder = knowledge_dir / "indicators"
    if not any(folder.glob("fy*.yaml")):
        return []
    cat = load_catalogue(latest_catalogue_path(folder))
    source = f"รายงานการประเมินส่วนราชการ ปีงบประมาณ {cat.fiscal_year} ({cat.title})"
    entries = []
    for ind in cat.indicators:
        comp = cat.component(ind.component)
        lines = [f"น้ำหนักร้อยละ {format_number(ind.weight)} · หน่วยงานรับผิดชอบ {ind.unit or '-'} · "
                 f"องค์ประกอบที่ {ind.component} {comp.short if comp and comp.short else ''}".rstrip()]
        for months, t in sorted(ind.rounds.items()):
            lines.append(f"ค่าเป้าหมายรอบ {months} เดือน: ขั้นต่ำ {ind.quantity(format_number(t.min))} · มาตรฐาน "
                         f"{ind.quantity(format_number(t.standard))} · ขั้นสูง {ind.quantity(format_number(t.high))}")
        entries.append(Entry(
            id=f"kpi-{ind.number}", title=f"ตัวชี้วัดที่ {ind.number} {ind.name}", answer="\n".join(lines),
            source=source, topic="ตัวชี้วัด", refs=(f"ตัวชี้วัด {ind.number}",),
            keywords=(*ind.aliases, ind.unit or "", "ตัวชี้วัด", "kpi", *INDICATOR_ATTRIBUTES), questions=(),
            origin="indicators",
        ))
    overview = "\n".join(f"{i.number}. {i.name} (ร้อยละ {format_number(i.weight)}, {i.unit or '-'})"
                         for i in cat.indicators)
    comps = " · ".join(f"องค์ประกอบที่ {c.number} {c.name} ({c.short}) น้ำหนักร้อยละ {format_number(c.weight)} "
                       f"ประเมินรอบ {' และ '.join(map(str, c.rounds))} เดือน" for c in cat.components)
    rounds = " · ".join(f"{r.name}: {r.period or 'เอกสารไม่ได้ระบุช่วงเวลา'}" for r in cat.rounds)
    entries.append(Entry(
        id="kpi-overview", title=f"ตัวชี้วัด {len(cat.indicators)} ตัว ปีงบประมาณ {cat.fiscal_year}",
        answer=f"{cat.title}\n{comps}\nรอบการประเมิน: {rounds}\n{overview}", source=source, topic="ตัวชี้วัด",
        keywords=("ตัวชี้วัดทั้งหมด", "มีกี่ตัว", "องค์ประกอบ", "performance base", "potential base", "น้ำหนัก",
                  "รอบ 6 เดือน", "รอบ 12 เดือน", "รอบการประเมิน", "ช่วงเวลา"),
        questions=("ตัวชี้วัดมีอะไรบ้าง", "ตัวชี้วัดมีกี่ตัว", "performance base คืออะไร",
                   "รอบ 6 เดือนนับช่วงไหน"), origin="indicators",
    ))
    return entries


def activity_entries(knowledge_dir: Path) -> list[Entry]:
    path = latest_activities_path(knowledge_dir / "activities")
    if path is None:
        return []
    plan = load_activities(path)
    entries = []
    for act in plan.activities:
        items = "\n".join(f"• กิจกรรมที่ {it.number}: {it.text}" for it in act.items)
        entries.append(Entry(
            id=f"activity-{act.code}", title=f"กิจกรรม {act.name}",
            answer=f"กิจกรรม {act.name} ({plan.title} ปีงบประมาณ {plan.fiscal_year})\n{items}",
            source=plan.source, topic="กิจกรรมคุณธรรม",
            keywords=(act.name, *act.aliases, *(k for it in act.items for k in it.keywords)),
            questions=(f"กิจกรรม {act.name} คืออะไร", f"{act.name} มีอะไรบ้าง"), origin="activities",
        ))
    return entries


def derived_entries(knowledge_dir: Path) -> list[Entry]:
    return indicator_entries(knowledge_dir) + activity_entries(knowledge_dir)
