"""Understanding a participation report in Thai: which activity and item a sentence names, whether it
reports a participation at all, and which day ("เมื่อวาน", "3 พ.ค.", "3/5/2567", "วันศุกร์").

Functions of the text, the catalogue and the day only: no database access, no chat state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from db import activity_store as store
from handlers.common import command, is_short
from handlers.flow import looks_like_question
from knowledge.activities import Plan
from thai import normalize, prepare, tokenize
from thai._cache import text_cache

#: Words that say a participation happened. Matched on whole tokens, so "ร่วม" is not found in "มีส่วนร่วม".
VERBS = ("เข้าร่วม", "ร่วม", "ไปร่วม", "ได้ร่วม", "ร่วมงาน", "ร่วมพิธี", "ไปงาน", "เข้าอบรม", "ไปอบรม", "ได้อบรม",
         "บริจาค", "ทำบุญ", "ตักบาตร", "ลงนาม", "ถวายพระพร", "บันทึก", "ไปช่วย", "ช่วยกัน", "เป็นจิตอาสา")


# ================================================================================== understanding

@dataclass(frozen=True)
class _Term:
    norm: str
    code: str
    item: int | None


@dataclass(frozen=True)
class _Vocabulary:
    terms: tuple[_Term, ...]
    #: term → the activities it appears in (a term in several says nothing about which one).
    owners: dict[str, frozenset[str]]
    #: (activity, term) → the items of that activity it appears in.
    item_owners: dict[tuple[str, str], frozenset[int]]

    def __hash__(self) -> int:
        return id(self)


@lru_cache(maxsize=8)
def _vocabulary(plan: Plan) -> _Vocabulary:
    terms: list[_Term] = []
    for act in plan.activities:
        terms += [_Term(command(w), act.code, None) for w in (act.name, act.short, *act.aliases)]
        for it in act.items:
            terms += [_Term(command(w), act.code, it.number) for w in (it.short, *it.keywords)]
    terms = [t for t in terms if len(t.norm) >= 3]
    owners: dict[str, set[str]] = {}
    item_owners: dict[tuple[str, str], set[int]] = {}
    for t in terms:
        owners.setdefault(t.norm, set()).add(t.code)
        if t.item is not None:
            item_owners.setdefault((t.code, t.norm), set()).add(t.item)
    return _Vocabulary(tuple(dict.fromkeys(terms)), {k: frozenset(v) for k, v in owners.items()},
                       {k: frozenset(v) for k, v in item_owners.items()})


@dataclass(frozen=True)
class Understood:
    activity: str = ""
    item: int = 0
    #: Activities that fit equally well (the person is asked to choose among them).
    candidates: tuple[str, ...] = ()

    @property
    def named(self) -> bool:
        return bool(self.activity or self.candidates)


def _winner(scores: dict, order: list) -> tuple[object | None, list]:
    """The clear best (at least twice the runner-up), or None and the tied leaders."""
    ranked = sorted((k for k in order if scores.get(k, 0) > 0), key=lambda k: -scores[k])
    if not ranked:
        return None, []
    if len(ranked) == 1 or scores[ranked[0]] >= 2 * scores[ranked[1]]:
        return ranked[0], ranked
    return None, [k for k in ranked if scores[k] * 2 > scores[ranked[0]]]


def understand(plan: Plan, text: str, within: str = "") -> Understood:
    """Which activity and item a message names, from the catalogue's names, aliases and keywords."""
    vocab = _vocabulary(plan)
    if not is_short(text):
        return Understood()
    flats = {command(text), command(prepare(text))}
    found = [t for t in vocab.terms if any(t.norm in f for f in flats) and (not within or t.code == within)]
    # The longest match wins: "บริจาคโลหิต" says more than the "บริจาค" inside it.
    norms = {t.norm for t in found}
    found = [t for t in found if not any(t.norm != n and t.norm in n for n in norms)]
    act_scores: dict[str, int] = {}
    for t in found:
        if len(vocab.owners[t.norm]) == 1:
            act_scores[t.code] = act_scores.get(t.code, 0) + len(t.norm)
    code = within
    if not code:
        best, tied = _winner(act_scores, [a.code for a in plan.activities])
        if best is None:
            return Understood(candidates=tuple(tied))
        code = str(best)
    item_scores: dict[int, int] = {}
    for t in found:
        if t.code == code and t.item is not None and len(vocab.item_owners[(code, t.norm)]) == 1:
            item_scores[t.item] = item_scores.get(t.item, 0) + len(t.norm)
    activity = plan.activity(code)
    best_item, _ = _winner(item_scores, [i.number for i in activity.items] if activity else [])
    return Understood(activity=code, item=int(best_item) if best_item is not None else 0)


def _tokens(text: str) -> list[str]:
    return [t.casefold() for t in tokenize(prepare(text)) if t.strip()]


@text_cache()
def reports_participation(text: str) -> bool:
    """A verb of taking part, as whole tokens (1–3 of them joined), and not a question. A report is a sentence
    or two: a longer text is not read as one."""
    if not is_short(text):
        return False
    tokens = _tokens(text)
    joined = {"".join(tokens[i:j]) for i in range(len(tokens)) for j in range(i + 1, min(i + 4, len(tokens) + 1))}
    if not joined & set(VERBS):
        return False
    return "บันทึก" in joined or not looks_like_question(text)


# ----- dates ----------------------------------------------------------------------------------------

_MONTH_NAMES = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
                "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")
#: How the months are said and typed without their ending: "5 เมษา 67", "ตุลา 66".
_MONTH_SPOKEN = ("มกรา", "กุมภา", "มีนา", "เมษา", "พฤษภา", "มิถุนา", "กรกฎา", "สิงหา", "กันยา", "ตุลา", "พฤศจิกา", "ธันวา")


def _abbr_pattern(abbr: str) -> str:
    parts = [p for p in abbr.split(".") if p]
    return r"\.?\s?".join(parts) + r"\.?(?![ก-ฮ])"


_MONTH_RES = [re.compile(f"(?:{full}|{spoken}|{_abbr_pattern(abbr)})")
              for full, spoken, abbr in zip(_MONTH_NAMES, _MONTH_SPOKEN, store.MONTHS_SHORT, strict=True)]
_MONTH_ANY = "|".join(f"(?:{m.pattern})" for m in _MONTH_RES)
_ERA = r"(?:(?:พ\.?\s?ศ\.?|ค\.?\s?ศ\.?)\s*)?"
_DAY_MONTH = re.compile(rf"(?<!\d)(\d{{1,2}})\s*({_MONTH_ANY})\s*{_ERA}(\d{{4}}|\d{{2}}(?!\d))?")
#: A day followed by what begins like a month but is none of the forms above ("5 เมษ", "5 ตค."): refused clearly
#: rather than read as "the 5th of this month".
_MONTH_LIKE = re.compile(r"(?<!\d)(\d{1,2})\s*((?:มก|กุม|มีน|เมษ|พฤษ|มิถ|กรก|สิงห|กันย|ตุล|พฤศ|ธันว)[ก-๛]*"
                         r"|(?:ม|ก|มี|เม|พ|มิ|ส|ต|ธ)\.?\s?[คพยษ]\.?)"
                         r"|วันที่\s*(\d{1,2})\s*[ก-๛.]{2,12}\s*(?:พ\.?\s?ศ\.?\s*)?(?:25\d\d|20\d\d|[5-7]\d)(?!\d)"
                         r"(?!\s*(?:โมง|คน|นาที|บาท|ครั้ง|ชั่วโมง|น\.|ท่าน|รูป))")
_ISO = re.compile(r"(?<![\d/\-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d/\-])")
_NUMERIC = re.compile(r"(?<![\d.\-])(\d{1,2})(?:[/\-](\d{1,2})(?:[/\-](\d{2,4}))?|\.(\d{1,2})\.(\d{2,4}))(?![\d/])")
_DAY_ONLY = re.compile(r"วันที่\s*(\d{1,2})(?!\s*[\d/.\-])")
_WEEKDAY = re.compile(r"วัน(จันทร์|อังคาร|พุธ|พฤหัสบดี|พฤหัส|ศุกร์|เสาร์|อาทิตย์)")
_WEEKDAY_INDEX = {"จันทร์": 0, "อังคาร": 1, "พุธ": 2, "พฤหัสบดี": 3, "พฤหัส": 3, "ศุกร์": 4, "เสาร์": 5, "อาทิตย์": 6}


def _year(raw: str | None) -> int | None:
    """The Christian-era year of "2567", "67" (two digits are a Buddhist-era year: 25xx, as Thai staff write
    them) or "2024"."""
    if not raw:
        return None
    year = int(raw) + (2500 if len(raw) == 2 else 0)
    return year - store.BE_OFFSET if year >= 2400 else year


def _month_of(name: str) -> int:
    return next(i for i, m in enumerate(_MONTH_RES, start=1) if m.fullmatch(name.strip()))


def _recent(day: int, month: int, year: int | None, today: date) -> tuple[date | None, str]:
    """The date asked for; without a year, the latest such date that is not in the future."""
    try:
        if year is not None:
            return date(year, month, day), ""
        candidate = date(today.year, month, day)
        if candidate > today:
            candidate = date(today.year - 1, month, day)
        return candidate, ""
    except ValueError:
        return None, f"ไม่มีวันที่ {day} {store.MONTHS_SHORT[month - 1]}" + (
            f" {year + store.BE_OFFSET}" if year else "")


def parse_day(text: str, today: date) -> tuple[date | None, str]:
    """A date in a message: วันนี้, เมื่อวาน, เมื่อวานซืน, "วันที่ 3", "3 พ.ค.", "3 พ.ค. 2567", "3/5/2567",
    "2567-05-03", with or without a weekday. Returns (date, "") or (None, why) — (None, "") when there is no date
    (and for a text longer than a sentence or two: its date would be a guess)."""
    if not is_short(text):
        return None, ""
    clean = normalize(prepare(text))
    if m := _ISO.search(clean):
        if 1 <= int(m.group(2)) <= 12:
            return _recent(int(m.group(3)), int(m.group(2)), _year(m.group(1)), today)
        return None, f"อ่านวันที่ “{m.group(0)}” ไม่ได้ (เดือนต้องอยู่ระหว่าง 1–12)"
    if m := _NUMERIC.search(clean):
        day = int(m.group(1))
        month, year = (m.group(2), m.group(3)) if m.group(2) else (m.group(4), m.group(5))
        if 1 <= int(month) <= 12:
            return _recent(day, int(month), _year(year), today)
        return None, f"อ่านวันที่ “{m.group(0)}” ไม่ได้ (เดือนต้องอยู่ระหว่าง 1–12)"
    if m := _DAY_MONTH.search(clean):
        return _recent(int(m.group(1)), _month_of(m.group(2)), _year(m.group(3)), today)
    if m := _MONTH_LIKE.search(clean):
        return None, (f"อ่านเดือนจาก “{m.group(0).strip()[:20]}” ไม่ได้ กรุณาพิมพ์เดือนเป็นคำย่อหรือเต็ม "
                      "เช่น “5 เม.ย. 2567” หรือ “5 เมษายน 2567”")
    flat = clean.replace(" ", "")
    for word, back in (("เมื่อวานซืน", 2), ("เมื่อวาน", 1), ("วันนี้", 0), ("เมื่อเช้า", 0)):
        if word in flat:
            return today - timedelta(days=back), ""
    if m := _DAY_ONLY.search(clean):
        day = int(m.group(1))
        month_start = today.replace(day=1)
        for _ in range(3):  # this month, or the latest month that has that day and is not in the future
            try:
                candidate = month_start.replace(day=day)
                if candidate <= today:
                    return candidate, ""
            except ValueError:
                pass
            month_start = (month_start - timedelta(days=1)).replace(day=1)
        return None, f"ไม่มีวันที่ {day} ในปฏิทินค่ะ"
    if m := _WEEKDAY.search(clean):
        back = (today.weekday() - _WEEKDAY_INDEX[m.group(1)]) % 7 or 7
        return today - timedelta(days=back), ""
    return None, ""


def day_problem(day: date, today: date, plan_year: int | None = None) -> str:
    """Why a date cannot be logged (empty when it can): not in the future, not before the fiscal year of the plan
    the person logs against (``plan_year``; the current fiscal year when not given). A plan stays in force until
    the next year's is imported (``activity_store.plan_for``), so its days run from its year's start to today."""
    if day > today:
        return f"วันที่ {store.thai_date(day)} ยังมาไม่ถึงค่ะ บันทึกได้เฉพาะกิจกรรมที่เข้าร่วมไปแล้ว"
    fy = plan_year or store.fiscal_year_of(today)
    if day < store.fiscal_start(fy):
        return (f"วันที่ {store.thai_date(day)} อยู่นอกปีงบประมาณ {fy} ค่ะ บันทึกได้ตั้งแต่ "
                f"{store.thai_date(store.fiscal_start(fy))} ถึงวันนี้ ({store.thai_date(today)}) "
                f"รายการของปีก่อนกรุณาแจ้งผู้ดูแลระบบนะคะ")
    return ""


def date_example(today: date) -> str:
    """A date to show as an example of typing one, that the bot itself would accept: yesterday."""
    return store.thai_date(today - timedelta(days=1))
