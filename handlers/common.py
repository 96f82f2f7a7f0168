"""Small helpers shared by handlers: matching commands and making LINE-safe buttons."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

from core.dispatch import Context
from core.messages import Choice, Reply
from thai import fold
from thai._cache import text_cache

LABEL_MAX = 20
#: The longest message that can be a command, a step's answer (a name, a date, a value) or a participation
#: report. Longer ones are still answered (as questions), but no handler's own reading of them grows with the
#: text: a 5,000-character paste costs what a 300-character one does.
SHORT_TEXT = 300


def is_short(text: str) -> bool:
    return len(text) <= SHORT_TEXT


def head_and_tail(text: str, tail: int = 60) -> str:
    """A long text's beginning and end, where a question word or a command would be: what a heuristic reads."""
    return text if len(text) <= SHORT_TEXT else f"{text[:SHORT_TEXT - tail - 1]} {text[-tail:]}"


def short_label(text: str, limit: int = LABEL_MAX) -> str:
    """A button label within LINE's 20-character limit, cut at a space where possible."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip() + "…"


PRIVATE_ONLY = ("ผลตัวชี้วัด ประวัติกิจกรรม การลงทะเบียน และการลบข้อมูล ดูและทำได้เฉพาะในแชตส่วนตัวกับบอทค่ะ "
                "(ในกลุ่มทุกคนจะเห็นข้อความด้วย)")


def private_chat(ctx: Context, lead: str = "") -> Reply:
    """What a group or room is told instead of anything personal: where to ask, with a button that opens a
    one-on-one chat with the bot (``LINE_BOT_BASIC_ID``), or, without one, how to open it."""
    basic_id = ctx.settings.line_bot_basic_id
    text = f"{lead}\n{PRIVATE_ONLY}" if lead else PRIVATE_ONLY
    if not basic_id:
        return Reply.text(text + " แตะชื่อบอทในกลุ่ม แล้วเลือก “แชต” เพื่อคุยแบบส่วนตัวนะคะ")
    url = "https://line.me/R/ti/p/" + quote(basic_id if basic_id.startswith("@") else "@" + basic_id, safe="")
    return Reply.text(text + " แตะปุ่มด้านล่างเพื่อเปิดแชตส่วนตัว แล้วพิมพ์คำสั่งเดิมอีกครั้งนะคะ",
                      [Choice(label="แชตส่วนตัวกับบอท", data=url, action="uri")])


def ask(label: str, text: str | None = None) -> Choice:
    """A quick reply that sends ``text`` (default: the label) as the person's message."""
    return Choice(label=short_label(label), text=text or label)


def tap(label: str, data: str, shown: str | None = None) -> Choice:
    """A quick reply that sends postback ``data`` and shows ``shown`` in the chat."""
    return Choice(label=short_label(label), data=data, text=shown or label, action="postback")


@text_cache()
def command(text: str) -> str:
    """The message folded for command matching: no spaces, lower case, Thai normalised. "" for a text longer
    than ``SHORT_TEXT``, which no command or catalogue name matches (and whose folding would cost with its length)."""
    if not is_short(text):
        return ""
    return fold(text).replace(" ", "")


@lru_cache(maxsize=256)
def folded_words(words: tuple[str, ...]) -> frozenset[str]:
    """A command's words, folded once (every message is checked against the same few lists)."""
    return frozenset(command(w) for w in words)


#: Polite wrapping around a command ("ขอบันทึกกิจกรรมหน่อยค่ะ", "อยากบันทึกกิจกรรม", "ยืนยันค่ะ"): not the command.
_POLITE_LEADS = ("รบกวน", "ต้องการ", "อยากจะ", "อยากดู", "อยาก", "ช่วย", "ขอดู", "ขอ", "ดู")
_POLITE_TAILS = ("ให้หน่อย", "หน่อย", "นะคะ", "นะครับ", "ค่ะ", "คะ", "ครับผม", "ครับ", "คับ", "จ้า", "จ้ะ", "ได้ไหม",
                 "ได้มั้ย", "ด้วย", "ให้ที")


def polite_core(flat: str) -> str:
    """A folded command without the polite words around it (checked against the command words only after the
    message as typed, so "ขอบคุณ" is never "บคุณ" of anything)."""
    def without_tails(text: str) -> str:
        stripped = True
        while stripped:
            stripped = False
            for tail in _POLITE_TAILS:
                if text.endswith(tail) and len(text) > len(tail):
                    text, stripped = text[: -len(tail)], True
                    break
        return text

    core = without_tails(flat)
    lead = next((w for w in _POLITE_LEADS if core.startswith(w) and len(core) > len(w) + 1), "")
    return without_tails(core[len(lead):])


def is_command(text: str, *words: str) -> bool:
    if not is_short(text):
        return False
    flat, known = command(text), folded_words(words)
    return flat in known or polite_core(flat) in known
