"""Does the chosen answer really answer the question? Say what the source does not say.

A search always finds *something* related: "ผลประเมิน ITA ของ สสช ปี 67" finds the PMQA targets,
"คะแนน pmqa ปี 2566" finds the 2567 ones. Before answering, the question's specific constraints are
checked against the answer's text:

* years (2566 vs 2567, "ปี 66"), newsletter issues ("ฉบับที่ 3/2567"), meeting numbers ("ครั้งที่ 2");
* named things the whole source never mentions (a Latin acronym such as ITA);
* the kind of value asked for: a person's name, a date, a room, a time, a phone number, a web address,
  a number.

Pure functions: question text in, constraints out; constraints and a candidate text in, the first
unmet one out (or None).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_YEAR4 = re.compile(r"(?<!\d)(25[4-7]\d)(?!\d)")
_YEAR2 = re.compile(r"(?:ปี|พ\.?ศ\.?|ปีงบ(?:ประมาณ)?)\s*(?:พ\.?ศ\.?)?\s*([4-7]\d)(?![\d.])")
_ISSUE = re.compile(r"ฉบับ(?:ที่)?\s*(\d{1,2})(?:\s*/\s*(25\d\d|\d\d))?")
_MEETING = re.compile(r"ครั้ง(?:ที่)?\s*(\d{1,2})(?:\s*/\s*(25\d\d|\d\d))?")
_LATIN = re.compile(r"[a-z][a-z0-9&\-]{1,}", re.IGNORECASE)

_MONTHS = ("ม.ค", "ก.พ", "มี.ค", "เม.ย", "พ.ค", "มิ.ย", "ก.ค", "ส.ค", "ก.ย", "ต.ค", "พ.ย", "ธ.ค", "มกรา", "กุมภา",
           "มีนา", "เมษา", "พฤษภา", "มิถุนา", "กรกฎา", "สิงหา", "กันยา", "ตุลา", "พฤศจิกา", "ธันวา")

_PERSON = re.compile(r"(?:^|[\s(])(?:นาย|นางสาว|นาง|ดร\.|อาจารย์|อ\.|(?:รอง|ผู้ช่วย)?ศาสตราจารย์|ผศ\.|รศ\.)\s?[ก-๙]{2}")
_ORGANISATION = re.compile(r"กลุ่ม\S|กอง\S|ศูนย์\S|สำนักงาน\S|สถาบัน|มูลนิธิ|บริษัท|บ\.|กระทรวง|ก\.?พ\.?ร|สสช|"
                           r"(?<![ก-๙])[ก-ฮ]{1,3}\.(?![ก-๙])")
_DATE_VALUE = re.compile(r"\d{1,2}\s*(?:" + "|".join(re.escape(m) for m in _MONTHS) + r")|\d{1,2}/\d{1,2}")

#: What a question asks for → a test that a text holds such a value. Checked in this order.
ASKED: list[tuple[str, re.Pattern[str], Callable[[str], bool]]] = [
    ("phone", re.compile(r"เบอร์|โทรศัพท์|โทร(?:หา)?(?:ไป)?(?:ที่)?(?:เบอร์)?(?:อะไร|ไหน|เท่าไ)|โทรสาร|แฟกซ์|fax"),
     lambda t: bool(re.search(r"\d[\d\s-]{6,}\d", t))),
    # "ลิงก์กับผลลัพธ์" is to link with something, not a link to open.
    ("web", re.compile(r"เว็บ|website|web|(?:ลิงก์|ลิ้งค์|ลิงค์|link)(?!\s*(?:กับ|ไป|ถึง|เข้า|โยง|with|to))|url|"
                       r"ช่องทางออนไลน์|ออนไลน์ผ่าน|ผ่านช่องทาง"),
     lambda t: bool(re.search(r"https?://|www\.|\.go\.th|\.com|\.or\.th|@[a-z]|youtube|facebook|line", t, re.I))),
    ("email", re.compile(r"อีเมล|อีเมล์|e-?mail"), lambda t: "@" in t),
    ("person", re.compile(r"(?:ผู้|ประธาน|วิทยากร|ผอ|อาจารย์|คน|เจ้าหน้าที่|ท่าน|ใคร|ข้าราชการ|พนักงาน|บุคลากร|ลูกจ้าง)"
                          r".{0,40}(?<!เ)ชื่อ|"
                          r"(?<!เ)ชื่อ(?:จริง|นามสกุล)|(?<!เ)ชื่อ.{0,12}ใคร|ขอชื่อ|รายชื่อ|ใครได้|"
                          r"ใคร\S{0,6}(?:ประธาน|วิทยากร|ผู้อำนวยการ|ผอ\.?|เลขา|หัวหน้า)|"
                          r"(?:ประธาน|วิทยากร|ผู้อำนวยการ|ผอ\.?|เลขา|หัวหน้า)\S{0,12}ใคร"),
     lambda t: bool(_PERSON.search(t))),
    ("who", re.compile(r"ใคร(?:เป็น|จัด|ดูแล|รับผิดชอบ)|เป็นใคร|คือใคร|ท่านใด|หน่วยงานไหน|หน่วยงานใด"),
     lambda t: bool(_PERSON.search(t) or _ORGANISATION.search(t))),
    ("room", re.compile(r"ห้อง(?:ไหน|อะไร|ใด|ประชุมไหน|ประชุมอะไร)|ที่ไหน|สถานที่|จัดที่|ตึก|ชั้นไหน|ชั้นอะไร"),
     # A place may be a system ("รายงานในระบบ eMENSCR").
     lambda t: bool(re.search(r"ห้อง\S{0,8}\s*\d|ห้องประชุม\S|ณ ห้อง|ชั้น \d|อาคาร|ออนไลน์|zoom|ผ่านระบบ|ในระบบ",
                              t, re.I))),
    ("time", re.compile(r"กี่โมง|เวลาเท่า|เวลาไหน|เวลาอะไร|กี่ทุ่ม|ตอนกี่"),
     lambda t: bool(re.search(r"\d{1,2}[.:]\d{2}|น\.", t))),
    ("date", re.compile(r"วันไหน|วันที่เท่า|วันอะไร|วันใด|เดือนไหน|เดือนอะไร|"
                        r"(?:ประชุม|คลินิก|จัด|อบรม|สัมมนา|เริ่ม|กิจกรรม|งาน)\S{0,12}(?:เมื่อไร|เมื่อไหร่|เมื่อใด)"),
     lambda t: bool(_DATE_VALUE.search(t))),
    # "คะแนน PMQA ที่ได้จริง": what was achieved, not the targets.
    ("actual", re.compile(r"ได้จริง|ผลจริง|คะแนนจริง|ทำได้จริง|ได้\S{0,8}จริง"),
     lambda t: bool(re.search(r"ผลการดำเนินงาน|ผลคะแนน|ได้คะแนน|คะแนนที่ได้|ผลที่ได้|ทำได้", t))),
    # "เริ่มใช้ปีไหน": a year, not any number.
    ("year", re.compile(r"ปี(?:ไหน|อะไร|ใด|พ\.?ศ\.?\s*(?:อะไร|ไหน))|พ\.?ศ\.?\s*(?:อะไร|ไหน|เท่าไ)"),
     lambda t: bool(re.search(r"(?<!\d)25\d\d(?!\d)|ปี\s?\d{2}(?!\d)", t))),
    ("number", re.compile(r"กี่|เท่าไร|เท่าไหร่|จำนวนเท่า|ร้อยละเท่า|ได้คะแนน"), lambda t: bool(re.search(r"\d", t))),
]

ASKED_NAMES = {"phone": "เบอร์โทรศัพท์", "web": "เว็บไซต์หรือช่องทางออนไลน์", "email": "อีเมล", "person": "ชื่อบุคคล",
               "who": "ผู้รับผิดชอบหรือผู้จัด", "room": "สถานที่หรือห้อง", "time": "เวลา", "date": "วันที่", "number": "ตัวเลข",
               "actual": "ผลที่ได้จริง", "year": "ปี"}


#: "กี่ถุง", "กี่ประเภท": the unit a counted answer must name (time of day and vague words left out).
_COUNTED = re.compile(r"กี่\s*([ก-๙]{2,8}?)(?:\s|$|ครับ|ค่ะ|คะ|คับ|กัน|แล้ว|บ้าง|อ่ะ|นะ|ซี)")
#: A fee a person would pay: asked about with a yes or no too ("workshop มีค่าลงทะเบียนไหม", "อบรมเสียเงินไหม").
_FEE_WORDS = r"ค่า(?:ลงทะเบียน|สมัคร|เข้าร่วม|อบรม|ธรรมเนียม|ใช้จ่าย)|เสียเงิน|เสียค่า|ราคา"
_FEE = re.compile(_FEE_WORDS)
_MONEY = re.compile(r"งบประมาณ|งบ|เงิน|กี่บาท|ค่า(?:บริการ|ตอบแทน|อาหาร|เดินทาง|ที่พัก|วิทยากร|จ้าง)|" + _FEE_WORDS)
_YES_NO = re.compile(r"ไหม|มั้ย|มั๊ย|หรือเปล่า|หรือไม่|ป่าว|รึเปล่า|หรือป่าว")
#: Units that count the same thing: people are counted as คน, ราย or ท่าน ("70 ราย" answers "กี่คน").
_SAME_UNIT = {"คน": ("คน", "ราย", "ท่าน")}
_NOT_UNITS = frozenset({"โมง", "ทุ่ม", "ปี", "วัน", "เดือน", "ครั้ง", "ที", "ข้อ", "อัน", "อย่าง", "ตัว", "เรื่อง"})


@dataclass(frozen=True)
class Constraints:
    years: frozenset[int] = frozenset()
    issue: tuple[int, int] | None = None  # (number, year or 0)
    meeting: tuple[int, int] | None = None
    unknown_names: tuple[str, ...] = ()
    asked: str = ""
    #: The unit of a count asked for ("ถุง" in "กี่ถุง"): the answer must give a number of them.
    unit: str = ""
    #: The kind of thing to pick ("สาขา" in "ได้รางวัลสาขาไหน"): the answer must name such a thing.
    chosen: str = ""

    def __bool__(self) -> bool:
        return bool(self.years or self.issue or self.meeting or self.unknown_names or self.asked or self.chosen)


def _be(year: str) -> int:
    n = int(year)
    return n + 2500 if n < 100 else n


def years_named(text: str) -> set[int]:
    """The Buddhist-era years a text names: "2566", "ปี 66", "ปีงบ 68"."""
    low = text.casefold()
    return {int(y) for y in _YEAR4.findall(low)} | {_be(y) for y in _YEAR2.findall(low)}


_LAST_YEAR = re.compile(r"ปีที่แล้ว|ปีก่อน|ปีที่ผ่านมา|ปีกลาย|ปีที่แล้วมา")
_NEXT_YEAR = re.compile(r"ปีหน้า|ปีถัดไป")


def constraints_of(question: str, known: Callable[[str], bool], this_year: int = 0) -> Constraints:
    """The specific things a question asks about. ``known(word)`` says whether the source uses a Latin word;
    ``this_year`` (the newest newsletter's year) reads "ปีที่แล้ว" and "ปีหน้า"."""
    low = question.casefold()
    years = years_named(low)
    if this_year and _LAST_YEAR.search(low):
        years.add(this_year - 1)
    if this_year and _NEXT_YEAR.search(low):
        years.add(this_year + 1)
    issue = meeting = None
    if m := _ISSUE.search(low):
        issue = (int(m.group(1)), _be(m.group(2)) if m.group(2) else 0)
    if m := _MEETING.search(low):
        meeting = (int(m.group(1)), _be(m.group(2)) if m.group(2) else 0)
        years.discard(meeting[1])
    if issue:
        years.discard(issue[1])
    names = tuple(w for w in dict.fromkeys(_LATIN.findall(low)) if not known(w))
    asked = next((name for name, pattern, _ in ASKED if pattern.search(low)), "")
    unit = ""
    if asked == "number" and (m := _COUNTED.search(low)) and m.group(1) not in _NOT_UNITS:
        unit = m.group(1)
    elif asked == "number" and m and m.group(1) == "ข้อ" and "ประเด็น" in low.replace("ประเด็นที่", ""):
        unit = "ประเด็น"  # "หมวด 7 มีประเด็นพิจารณากี่ข้อ": the ข้อ counted are ประเด็น
    elif asked == "number" and _MONEY.search(low):
        unit = "บาท"  # a budget, a price: an amount of money, not any number
    elif not asked and _FEE.search(low) and _YES_NO.search(low):
        asked, unit = "number", "บาท"  # "มีค่าลงทะเบียนไหม": whether there is a fee is said by its amount
    return Constraints(frozenset(years), issue, meeting, names, asked, unit, "" if asked else chosen_kind(low))


#: Picking words: "X ไหน", "X ใด".
_WHICH = frozenset({"ไหน", "ใด"})
#: What is picked by a value the answer gives without naming the kind ("ข้อไหน" → "7.3", "หน่วยงานใด" → "พท.",
#: "บริษัทไหน" → "บ. …"), and words that are no kind of thing ("อยู่ไหน", "ถึงไหน").
_PICKED_BY_VALUE = frozenset(
    """ห้อง ห้องประชุม วัน วันที่ เดือน ปี เวลา ช่วง ช่วงไหน รอบ ครั้ง ข้อ หมวด ประเด็น ตัว ตัวชี้วัด อัน แบบ อย่าง ทาง
    ช่องทาง เว็บ เว็บไซต์ หน่วยงาน หน่วย ระดับ ขั้น ขั้นตอน กิจกรรม เรื่อง ที่ คน ท่าน แนวทาง ด้าน ส่วน ประเภท ชั้น
    กลุ่ม กอง ฝ่าย อะไร ไหน ใด ตอน ทีม ชุด คณะ คณะทำงาน องค์ประกอบ บริษัท
    อยู่ แค่ ไป มา ทำ ยัง ตรง เป็น คือ ส่ง จัด ใช้ ได้ มี ผ่าน ถึง จาก ตั้งแต่ นับ แต่ ใน ของ กับ แห่ง เมื่อ""".split())


def chosen_kind(question: str) -> str:
    """The kind of thing a "which one" question picks ("สาขา" in "ได้รางวัลเลิศรัฐสาขาไหน"), when the answer must
    name it: "" for kinds picked by a value alone (a room, a ข้อ, a unit)."""
    from thai import analyze
    from thai.vocabulary import thai_dictionary

    words = [w for w in analyze(question) if not w.isspace()]
    words = [w[3:] if w.startswith("ที่") and w[3:] in thai_dictionary() else w for w in words]  # "ที่วัด" → วัด
    for before, word in zip(words, words[1:], strict=False):
        if (word in _WHICH and re.fullmatch(r"[ก-๙]{2,}", before) and before not in _PICKED_BY_VALUE
                and before in thai_dictionary()):  # a typo ("วนัไหน") is no kind of thing
            return before
    return ""


def without_asking(question: str) -> tuple[str, str]:
    """The kind of value a question asks for and the question without the words that ask it ("วันไหน", "ห้องไหน"):
    ("date", "ประชุม") for "ประชุมวันไหน"; ("", question) when it asks for no kind of value."""
    low = question.casefold()
    for name, pattern, _ in ASKED:
        if m := pattern.search(low):
            return name, f"{low[:m.start()]} {low[m.end():]}"
    return "", low


def names_person(text: str) -> bool:
    """Does the text name a person ("วิทยากร อ.กิตติณัฐ พนมฤทธิ์")?"""
    return bool(_PERSON.search(text))


def _has_year(text: str, year: int) -> bool:
    short = str(year - 2500)
    return str(year) in text or bool(re.search(rf"(?<![\d.,]){short}(?![\d.,])", text) and
                                     re.search(rf"(?:ปี|พ\.?ศ\.?|\.|/)\s*{short}(?!\d)", text))


def unmet(c: Constraints, text: str) -> str:
    """The first constraint ``text`` does not meet, in words for the reply ("" when all are met)."""
    low = text.casefold()
    for name in c.unknown_names:
        return f"เรื่อง “{name.upper()}”"
    if c.issue:
        number, year = c.issue
        label = f"{number}/{year}" if year else f"{number}"
        if not re.search(rf"ฉบับ(?:ที่)?\s*{number}\s*/", low) or (year and f"{number}/{year}" not in low):
            return f"สารประชาสัมพันธ์ฉบับที่ {label}"
    if c.meeting:
        number, year = c.meeting
        label = f"ครั้งที่ {number}/{year}" if year else f"ครั้งที่ {number}"
        if not re.search(rf"ครั้ง(?:ที่)?\s*{number}(?!\d)", low) or (year and f"{number}/{year}" not in low):
            return f"การประชุม{label}"
    for year in sorted(c.years):
        if not _has_year(low, year):
            return f"ข้อมูลของปี {year}"
    if c.asked:
        test = next(t for name, _, t in ASKED if name == c.asked)
        if not test(text):
            return ASKED_NAMES[c.asked]
    if c.unit:
        unit = "|".join(re.escape(u) for u in _SAME_UNIT.get(c.unit, (c.unit,)))
        # "4 ประเด็น", "หมวดละ 4 ประเด็น", "ประเด็นละ 2": a count; "ประเด็นที่ 1" names one, it counts none.
        if not re.search(rf"\d[\d,.]*\s*\S{{0,6}}(?:{unit})|(?:{unit})(?:(?!ที่)\S){{0,6}}\s*\d", low):
            return "ค่าใช้จ่ายหรือจำนวนเงิน" if c.unit == "บาท" else f"จำนวน{c.unit}"
    if c.chosen and c.chosen not in low:
        return c.chosen
    return ""


__all__ = ["ASKED_NAMES", "Constraints", "constraints_of", "names_person", "unmet", "without_asking", "years_named"]


#: Words that ask for a contact, not about whom.
_CONTACT_WORDS = frozenset("เบอร์ โทร โทรศัพท์ มือถือ อีเมล อีเมล์ email e-mail ติดต่อ ขอ หน่อย ของ".split())


def contact_subject(tokens: list[str]) -> list[str]:
    """The words of a contact question that say whose contact it is."""
    return [t for t in tokens if len(t) > 1 and t not in _CONTACT_WORDS and not any(w in t for w in ("เบอร์", "โทร"))]


def contact_near(text: str, subject: list[str]) -> bool:
    """A phone number or e-mail in ``text`` belongs to what was asked about only if one of the question's
    words stands near it ("เบอร์โทรวิทยากร" is not answered by the group's own number)."""
    if not subject:
        return True
    text = text.casefold()
    for m in re.finditer(r"\d[\d\s-]{6,}\d|\S+@\S+", text):
        window = text[max(0, m.start() - 120): m.end() + 60]
        if any(t in window for t in subject):
            return True
    return False
