"""What a draft PMQA answer lacks: draft and ประเด็น in, a plain report out (no Flask, no database).

The source sets three rules for an answer (the working group's meeting 1/2567): it uses ADR (Approach,
Deployment, Result), it is at most 3,000 อักขระ, and it is work of the assessed year — continuing work says how
it improved on last year. Each ประเด็น of หมวด 3–6 has Basic / Advance / Significance criteria. This module reads
a draft against those rules with word cues (``knowledge/adr/checker.yaml``) and the criteria's own key terms
(the knowledge base), so it follows the content. It is a reading aid, not a verdict: it says what it found
and quotes where.

The count is taken on the draft as the person typed it, never on the normalised text that the cues are
matched in, so what the person sees is what a web form would count.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from pythainlp.corpus import thai_stopwords

from adr.rules import Cues, Rules
from thai import fold, normalize, tokenize

LEVELS = ("basic", "advance", "significance")
LEVEL_TITLES = {"basic": "Basic", "advance": "Advance", "significance": "Significance"}
QUOTE_MAX = 120
#: Longer lines are cut at spaces into pieces of about this size (Thai separates clauses with spaces).
SEGMENT_TARGET = 160

COUNT_RULE = ("นับทุกตัวอักษร รวมสระ วรรณยุกต์ เว้นวรรค และการขึ้นบรรทัด (บรรทัดละ 1) แบบเดียวกับช่องกรอกบนเว็บที่จำกัด "
              "maxlength — เป็นข้อสมมติ ควรตรวจกับแบบฟอร์มของสำนักงาน ก.พ.ร. อีกครั้ง")


# ================================================================================== counting

def join_parts(parts: list[str] | tuple[str, ...]) -> str:
    """A draft sent in several LINE messages, as one text: the parts in order, one line break between them
    (each message is a paragraph of its own), line breaks as LF, the ends trimmed."""
    return "\n".join(p.replace("\r\n", "\n").replace("\r", "\n") for p in parts).strip()


def count_chars(text: str) -> int:
    """What a web form's ``maxlength`` counts: UTF-16 code units of the value, a line break counting one.
    Every Thai consonant, vowel and tone mark is one (the same as counting code points for all Thai text;
    only characters beyond the BMP, such as emoji, count two)."""
    text = text.replace("\r\n", "\n")
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


# ================================================================================== the report

@dataclass(frozen=True)
class Praden:
    """What the checker needs of a ประเด็น: its code, title and (for หมวด 3–6) its three criteria."""

    code: str
    title: str
    levels: dict[str, str] = field(default_factory=dict)

    @property
    def hmuad(self) -> int:
        return int(self.code.split(".")[0])


@dataclass(frozen=True)
class Component:
    name: str
    label: str
    found: bool
    quote: str = ""


@dataclass(frozen=True)
class Criterion:
    level: str
    text: str
    terms: tuple[str, ...]
    matched: tuple[str, ...]
    addressed: bool


@dataclass(frozen=True)
class Suggestion:
    #: The report line it belongs to (``chars``, ``approach``, ``year`` …).
    line: str
    text: str


@dataclass(frozen=True)
class Report:
    praden: str
    title: str
    chars: int
    limit: int
    parts: int
    components: tuple[Component, ...]
    numbers: bool
    trend_years: tuple[int, ...]
    trend_needed: int
    trend_words: bool
    assessed_year: int
    years: tuple[int, ...]
    year_status: str  # "ok" | "missing" | "wrong"
    continuing: bool
    improved_quote: str
    has_levels: bool
    criteria: tuple[Criterion, ...]
    level_hint: str  # "" (none reached), "basic", "advance", "significance"
    suggestions: tuple[Suggestion, ...]
    count_rule: str = COUNT_RULE

    @property
    def over(self) -> int:
        return max(0, self.chars - self.limit)

    def component(self, name: str) -> Component:
        return next(c for c in self.components if c.name == name)

    def as_dict(self) -> dict:
        """Plain data (for a web page or JSON)."""
        out = asdict(self)
        out["over"] = self.over
        return out


# ================================================================================== segments

#: Lines, and bullets pasted inline from Word or a slide.
_BREAK = re.compile(r"\n+|[•●▪◦]")
#: A bullet or number at the start of a line ("- ", "1) ", "2. ").
_LEAD = re.compile(r"^(?:[\-–*·]|\(?\d{1,2}[).])\s+")
_SPACE = re.compile(r"\s+")


def segments(text: str) -> list[str]:
    """The draft's sentences, as substrings of what the person typed: lines and bullets, and long lines cut at
    spaces into pieces of about :data:`SEGMENT_TARGET` characters."""
    out: list[str] = []
    for line in _BREAK.split(text):
        line = _LEAD.sub("", line.strip())
        if not line:
            continue
        if len(line) <= SEGMENT_TARGET * 1.5:
            out.append(line)
            continue
        piece = ""
        for word in _SPACE.split(line):
            piece = f"{piece} {word}" if piece else word
            if len(piece) >= SEGMENT_TARGET:
                out.append(piece)
                piece = ""
        if piece:
            if out and len(piece) < SEGMENT_TARGET // 3:
                out[-1] = f"{out[-1]} {piece}"
            else:
                out.append(piece)
    return out


def _key(text: str) -> str:
    """The form cues are matched in: normalised, casefolded, without spaces."""
    return fold(text).replace(" ", "")


#: A line that names its part of ADR ("a:", "(d)", "result–", "r)") in the folded form without spaces.
_LABEL = re.compile(r"^\(?(a|d|r|approach|deployment|results?)(?:\)|:|–|-|\.|=)")


@lru_cache(maxsize=64)
def _cue_keys(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(k for k in (_key(w) for w in words) if k))


def _score(key: str, cues: Cues, spaced: str = "") -> tuple[int, str]:
    """Points of one sentence for one component, and the strongest cue found in it (``spaced``: the sentence
    with its spaces, where numbers are read)."""
    points, best = 0, ""
    label = _LABEL.match(key)
    if label and label.group(1)[0] == cues.name[0]:
        points += 2  # "A: …", "(D) …", "Result – …": the writer says which part this is
    for mask in _cue_keys(cues.masks):
        key = key.replace(mask, " ")
    if cues.quantities and spaced:
        points += min(2, quantities(spaced))
    for cue in _cue_keys(cues.strong):
        if cue in key:
            points += 2
            best = best or cue
    for cue in _cue_keys(cues.weak):
        if cue in key and not any(cue in s for s in _cue_keys(cues.strong) if s in key):
            points += 1
            best = best or cue
    return points, best


def quote(sentence: str, limit: int = QUOTE_MAX) -> str:
    """A sentence for the report, at most ``limit`` characters (cut at a space where possible)."""
    sentence = " ".join(sentence.split())
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip() + "…"


# ================================================================================== years and numbers

_BE_YEAR = re.compile(r"(?<![\d,])(?<!\d\.)(25[4-7]\d)(?![\d,]|\.\d)")
_SHORT_YEAR = re.compile(r"(?:ปีงบประมาณ|ปีงบ|ปี|พ\.ศ\.|fy)\s*(?:พ\.ศ\.)?\s*([4-7]\d)(?![\d.,%])")
_AD_YEAR = re.compile(r"(?:ค\.ศ\.|fy|ปี)\s*(20[0-3]\d)(?!\d)")
_NUMBER = re.compile(r"(?<![\d.,])\d[\d,]*(?:\.\d+)?")
#: A number right after these is a label, not a result ("ประเด็น 3.4", "ครั้งที่ 1/2567").
_LABEL_BEFORE = re.compile(r"(?:ประเด็น|หมวด|ข้อ|ที่|ฉบับ|ระดับ|ปีงบประมาณ|ปีงบ|ปี|พ\.ศ\.|ค\.ศ\.|fy|[/.])\s*$")


def years_in(key: str) -> set[int]:
    """Buddhist years named in a normalised text (AD years and short forms "ปี 66" read as BE)."""
    years = {int(y) for y in _BE_YEAR.findall(key)}
    years |= {2500 + int(y) for y in _SHORT_YEAR.findall(key)}
    years |= {int(y) + 543 for y in _AD_YEAR.findall(key)}
    return years


def quantities(text: str) -> int:
    """How many numbers in a normalised sentence are not years or labels ("ประเด็น 3.4", "ครั้งที่ 1/2567")."""
    found = 0
    for m in _NUMBER.finditer(text):
        digits = m.group(0).replace(",", "")
        if _BE_YEAR.fullmatch(digits) or _LABEL_BEFORE.search(text[: m.start()]):
            continue
        if text[m.end(): m.end() + 1] == "/":  # "1/2567": a meeting's number
            continue
        found += 1
    return found


def has_quantity(text: str) -> bool:
    return quantities(text) > 0


# ================================================================================== criteria

@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    return frozenset(thai_stopwords())


@lru_cache(maxsize=512)
def key_terms(text: str, generic: frozenset[str]) -> tuple[str, ...]:
    """A criterion's key terms: its words without stop words, generic words, numbers and one-letter bits."""
    words = []
    for word in tokenize(normalize(text)):
        w = word.casefold()
        if len(w) < 2 or w.isdigit() or w in generic or w in _stopwords():
            continue
        words.append(w)
    return tuple(dict.fromkeys(words))


def _criteria(praden: Praden, draft_key: str, rules: Rules) -> tuple[Criterion, ...]:
    out = []
    for level in LEVELS:
        text = praden.levels.get(level, "")
        if not text:
            continue
        terms = key_terms(text, rules.generic_terms)
        matched = tuple(t for t in terms if _key(t) in draft_key)
        need = max(min(2, len(terms)), math.ceil(rules.criteria_share * len(terms)))
        out.append(Criterion(level, text, terms, matched, bool(terms) and len(matched) >= need))
    return tuple(out)


def _level_hint(criteria: tuple[Criterion, ...]) -> str:
    """The highest level reached with every level below it: the levels build on each other."""
    hint = ""
    for c in criteria:
        if not c.addressed:
            break
        hint = c.level
    return hint


# ================================================================================== the check

def check(draft: str | list[str] | tuple[str, ...], praden: Praden, rules: Rules) -> Report:
    """Read a draft (one text, or the LINE messages it came in) against the rules and the ประเด็น."""
    parts = [draft] if isinstance(draft, str) else list(draft)
    text = join_parts(parts)
    sentences = segments(text)
    #: Per sentence: normalised and casefolded (numbers and years are read here), and without spaces (cues).
    spaced = [fold(s) for s in sentences]
    keys = [s.replace(" ", "") for s in spaced]
    draft_key = "".join(keys)

    components = []
    result_rows: list[int] = []
    for cues in rules.components:
        best_i, best_points = -1, 0
        for i, key in enumerate(keys):
            points, _cue = _score(key, cues, spaced[i])
            if cues.name == "result" and points:
                result_rows.append(i)
            if points > best_points:
                best_i, best_points = i, points
        found = best_points >= 2
        components.append(Component(cues.name, cues.label, found, quote(sentences[best_i]) if found else ""))

    numbers = any(has_quantity(spaced[i]) for i in result_rows)
    quantitative_years: set[int] = set()
    for line in spaced:
        if has_quantity(line):
            quantitative_years |= {y for y in years_in(line) if y <= rules.assessed_year}
    trend_words = any(k in draft_key for k in _cue_keys(rules.trend))

    years = tuple(sorted(years_in("\n".join(spaced))))
    if numbers and rules.assessed_year in years:
        quantitative_years.add(rules.assessed_year)  # "ในปี 2567 …" then "ผลการดำเนินงาน ร้อยละ 95"
    trend_years = tuple(sorted(quantitative_years))
    if rules.assessed_year in years:
        year_status = "ok"
    elif years:
        year_status = "wrong"
    else:
        year_status = "missing"

    continuing = any(k in draft_key for k in _cue_keys(rules.continuing)) or any(y < rules.assessed_year
                                                                                   for y in years)
    improved_quote = ""
    for sentence, key in zip(sentences, keys, strict=True):
        if any(k in key for k in _cue_keys(rules.improved)):
            improved_quote = quote(sentence)
            break

    criteria = _criteria(praden, draft_key, rules)
    report = Report(
        praden=praden.code, title=praden.title, chars=count_chars(text), limit=rules.char_limit,
        parts=len([p for p in parts if p.strip()]), components=tuple(components), numbers=numbers,
        trend_years=trend_years, trend_needed=rules.trend_years, trend_words=trend_words,
        assessed_year=rules.assessed_year, years=years, year_status=year_status, continuing=continuing,
        improved_quote=improved_quote, has_levels=bool(praden.levels), criteria=criteria,
        level_hint=_level_hint(criteria), suggestions=(),
    )
    return _with_suggestions(report, rules)


# ================================================================================== suggestions

def _with_suggestions(r: Report, rules: Rules) -> Report:
    """Two or three things to do next, most important first, each tied to a line of the report."""
    fy = f"ปีงบประมาณ พ.ศ. {r.assessed_year}"
    todo: list[Suggestion] = []
    if r.over:
        todo.append(Suggestion("chars", f"ตัดให้เหลือไม่เกิน {r.limit:,} อักขระ (ตอนนี้เกิน {r.over:,}) เลือกเฉพาะการดำเนินงาน"
                                        "ที่สำคัญ/เกี่ยวข้องกับพันธกิจหลัก และสรุปเฉพาะสาระสำคัญที่สะท้อนคุณค่าของงาน"))
    advice = {
        "approach": "เพิ่ม Approach: บอกวิธีการที่ใช้ให้งานบรรลุผล (แนวทาง ระบบ ขั้นตอนที่กำหนด) และทำไมวิธีนั้นมีประสิทธิภาพ",
        "deployment": "เพิ่ม Deployment: บอกว่านำวิธีการไปปฏิบัติที่หน่วยงานใด ครอบคลุมแค่ไหน ใครรับผิดชอบ "
                      "และถ่ายทอด/สื่อสารอย่างไร",
        "result": "เพิ่ม Result: บอกผลที่เกิดขึ้นเป็นตัวเลข เช่น ร้อยละ จำนวน เทียบกับค่าเป้าหมาย",
    }
    todo += [Suggestion(c.name, advice[c.name]) for c in r.components if not c.found]
    if r.year_status == "wrong":
        named = ", ".join(str(y) for y in r.years)
        todo.append(Suggestion("year", f"ร่างระบุปี {named} แต่ไม่ระบุปีที่ประเมิน ควรเป็นผลงานของ{fy} "
                                       "หากเป็นงานเดิมให้บอกว่าปีนี้ทำอะไรเพิ่ม"))
    elif r.year_status == "missing":
        todo.append(Suggestion("year", f"ระบุว่าเป็นผลงานของ{fy} (ปีที่ประเมิน)"))
    if r.continuing and not r.improved_quote:
        todo.append(Suggestion("improved", "เป็นงานต่อเนื่อง: บอกว่าปีนี้พัฒนาดีขึ้นจากปีที่ผ่านมาอย่างไร "
                                           f"เช่น เทียบตัวเลขปี {r.assessed_year - 1} กับ {r.assessed_year}"))
    result_found = r.component("result").found
    if result_found and not r.numbers:
        todo.append(Suggestion("numbers", "ใส่ผลลัพธ์เป็นตัวเลข (ร้อยละ จำนวน ระยะเวลา) แทนคำบรรยาย"))
    trend_line = Suggestion("trend", f"แสดงผลเชิงปริมาณย้อนหลัง {r.trend_needed} ปี "
                                     f"(เช่น {r.assessed_year - r.trend_needed + 1}–{r.assessed_year}) ให้เห็นแนวโน้ม")
    short_trend = len(r.trend_years) < r.trend_needed
    if short_trend and r.praden.startswith("7."):
        todo.append(trend_line)  # หมวด 7's indicators need three years of quantitative results
    if r.has_levels:
        nxt = next((c for c in r.criteria if not c.addressed), None)
        if nxt is not None:
            missing = [t for t in nxt.terms if t not in nxt.matched][:4]
            todo.append(Suggestion("criteria", f"เพื่อแสดงระดับ {LEVEL_TITLES[nxt.level]} ให้เล่าเรื่อง “{nxt.text}”"
                                               + (f" (ยังไม่พบคำว่า {', '.join(missing)})" if missing else "")))
    if short_trend and result_found and not r.praden.startswith("7."):
        todo.append(trend_line)
    if not todo:
        todo.append(Suggestion("summary", "ร่างมีครบตามที่ตรวจได้ ลองให้เพื่อนในคณะทำงานอ่านว่าเห็นคุณค่าของงานชัดหรือไม่"))
    return Report(**{**r.__dict__, "suggestions": tuple(todo[:3])})


__all__ = ["COUNT_RULE", "LEVELS", "LEVEL_TITLES", "Component", "Criterion", "Praden", "Report", "Suggestion",
           "check", "count_chars", "has_quantity", "join_parts", "key_terms", "quantities", "quote", "segments",
           "years_in"]
