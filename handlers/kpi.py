"""KPI status for managers: the round's card, one indicator's details, recording a result (with a
confirmation), and the history of changes."""

from __future__ import annotations

import re
from datetime import timedelta, timezone
from decimal import Decimal

from core.dispatch import Context
from core.features import HelpEntry, MenuArea, MenuEntry
from core.messages import Card, CardRow, CardSection, Choice, Reply, Request, Text
from db import kpi_store
from db.kpi_store import RoundView
from handlers.access import MANAGER_ROLES
from handlers.common import PRIVATE_ONLY, ask, is_command, is_short, private_chat, tap
from handlers.flow import Flow, is_cancel
from knowledge.answerability import years_named
from knowledge.indicators import Catalogue, Indicator
from scoring import ASSUMPTION_NOTE, ScoredIndicator, format_gap, format_number, gap_to_next, read_number, status
from scoring.numbers import result_problem
from thai import normalize, prepare

_REF = re.compile(r"(?:ตัวชี้วัด(?:ตัว)?(?:ที่)?|kpi|ตัวที่)\s*(?:ที่)?\s*(\d{1,2})(?![\d.,])", re.IGNORECASE)
_STATUS_WORDS = ("สถานะ", "ทั้งหมด", "สรุป", "ภาพรวม", "status", "คะแนน", "รวม", "ผล", "ตอนนี้", "ล่าสุด", "ทุกตัว",
                 "ของ", "หน่วยงาน", "สำนัก", "กอง", "ศูนย์", "ปี", "รอบ", "เดือน", "6", "12", "2567",
                 "งบ", "ปีงบ", "ปีงบประมาณ", "งบประมาณ")
_UNIT_RE = re.compile(r"[ก-ฮ]{2,3}\.?")
#: The round asked for: "รอบ 12 เดือน", "12 เดือน" ("ตัวชี้วัดที่ 6 รอบ 12 เดือน" asks for round 12).
_ROUND = re.compile(r"(?<![\d.])(6|12)\s*เดือน")
#: How the bot writes numbers into its buttons (``_plain``): a crafted "1e6" or "NaN" is not one.
_PLAIN_NUMBER = re.compile(r"[0-9]{1,20}(?:\.[0-9]{1,10})?")
_KPI_WORDS = ("kpi", "ตัวชี้วัด", "เคพีไอ")
NEED_REGISTER = ("ผลการดำเนินงานและคะแนนตัวชี้วัดดูได้เฉพาะบุคลากรที่ลงทะเบียนแล้วค่ะ "
                 "พิมพ์ “ลงทะเบียน” เพื่อส่งคำขอ แล้วรอผู้ดูแลระบบอนุมัตินะคะ")
#: Typed at the confirmation, these work like its buttons.
CONFIRM_WORDS = ("ยืนยัน", "ยืนยันบันทึกผล", "ตกลง", "ใช่", "ok", "โอเค", "ถูกต้อง")
_BANGKOK = timezone(timedelta(hours=7))


def need_register(ctx: Context) -> Reply:
    """Results are for registered staff, and in a group for nobody (``core.dispatch.shared_view``)."""
    if ctx.shared_chat:
        return private_chat(ctx, "ผลการดำเนินงานและคะแนนตัวชี้วัดไม่แสดงในกลุ่มค่ะ")
    return Reply.text(NEED_REGISTER, [ask("ลงทะเบียน")])


def _indicator_name(cat: Catalogue, scored: ScoredIndicator) -> str:
    """The short name the status card shows for an indicator."""
    indicator = cat.indicator(scored.number)
    return indicator.short if indicator and indicator.short else _short(scored.name)


def _number_text(value: Decimal | None) -> str:
    return "-" if value is None else format_number(value)


def _score_text(value: float | None) -> str:
    return "ยังไม่ประเมิน" if value is None else f"{value:.2f} คะแนน"


def _units(view: RoundView) -> dict[str, str]:
    """Unit codes as typed (with or without the dot) → the catalogue's spelling."""
    out: dict[str, str] = {}
    for ind in view.catalogue.indicators:
        if ind.unit:
            out[ind.unit.casefold()] = ind.unit
            out[ind.unit.rstrip(".").casefold()] = ind.unit
    return out


class KpiHandler:
    name = "kpi"
    help = (HelpEntry(3, "สถานะตัวชี้วัด (KPI) ของสำนักงาน — พิมพ์ “สถานะ KPI” หรือ “ตัวชี้วัดที่ 3”"),)
    menu = (MenuEntry(5, ask("สถานะ KPI")),)
    rich_menu = (MenuArea(2, "สถานะ KPI", "KPI", "สถานะ KPI", "#0D47A1"),)
    erases = (kpi_store.erase_changes,)
    #: A proposed result waiting for its confirmation, so that "ยืนยัน" or "ยกเลิก" typed works like the buttons.
    flow = Flow("kpi", "การบันทึกผลตัวชี้วัด")

    # ----- routing ---------------------------------------------------------------------------
    def check(self, req: Request, ctx: Context) -> bool:
        if req.kind == "postback":
            return req.data.startswith("kpi:")
        if req.kind != "text" or not is_short(req.text):
            return False  # a KPI command is one line; a long text is a question for the knowledge base
        if (self.flow.current(ctx) is not None or self.flow.expired(ctx)) and (
                is_cancel(req) or is_command(req.text, *CONFIRM_WORDS)):
            return True
        text = prepare(req.text).casefold()
        flat = text.replace(" ", "")
        if flat.startswith(("บันทึกผล", "แก้ผล", "อัปเดตผล", "ประวัติ")) and _REF.search(text):
            return True
        if _REF.search(text):
            return True
        if any(w in flat for w in _KPI_WORDS):
            return self._asks_for_status(text)
        return False

    @staticmethod
    def _asks_for_status(text: str) -> bool:
        """"สถานะ KPI", "kpi เป็นยังไงบ้าง", "ตัวชี้วัดของ บส.": nothing but KPI words, status words,
        polite fillers and a unit. "ตัวชี้วัด GGGR หน่วยไหนดูแล" names a topic, so it is a question."""
        from knowledge.search import query_tokens

        years = {str(y) for y in years_named(text)} | {str(y - 2500) for y in years_named(text)}
        leftover = [t for t in query_tokens(text) if t not in _KPI_WORDS and t not in _STATUS_WORDS
                    and t not in years and not _UNIT_RE.fullmatch(t)]
        return not leftover

    def handle(self, req: Request, ctx: Context) -> Reply:
        view = kpi_store.round_view(ctx.session)
        if view is None:
            return Reply.text("ยังไม่มีข้อมูลตัวชี้วัดในระบบค่ะ ผู้ดูแลนำเข้าได้ด้วย flask --app bot kpi import")
        if req.kind == "postback":
            return self._postback(req, ctx, view)
        if is_cancel(req) or is_command(req.text, *CONFIRM_WORDS):
            return self._typed_answer(req, ctx, view)
        text = prepare(req.text)
        flat = text.replace(" ", "").casefold()
        asked_year = next((y for y in sorted(years_named(text)) if y != view.catalogue.fiscal_year), None)
        if asked_year is not None:
            other = kpi_store.round_view(ctx.session, asked_year)
            if other is None:
                return Reply.text(f"บอทไม่มีข้อมูลตัวชี้วัดของปีงบประมาณ {asked_year} ค่ะ เอกสารที่บอทใช้ตอบ"
                                  f"ระบุตัวชี้วัดของปีงบประมาณ {view.catalogue.fiscal_year}",
                                  [ask("สถานะ KPI")])
            view = other
        view = self._asked_round(ctx, view, text)
        ref = _REF.search(text)
        if ref is None:
            return self.status_card(ctx, view, self._unit_filter(text, view))
        indicator = view.catalogue.indicator(int(ref.group(1)))
        if indicator is None:
            count = len(view.catalogue.indicators)
            return Reply.text(f"ไม่มีตัวชี้วัดที่ {int(ref.group(1))} ค่ะ ปีงบประมาณ {view.catalogue.fiscal_year} "
                              f"มีตัวชี้วัด {count} ตัว (ที่ 1–{count})", [ask("สถานะ KPI")])
        if flat.startswith("ประวัติ"):
            return self.history(ctx, view, indicator)
        if flat.startswith(("บันทึกผล", "แก้ผล", "อัปเดตผล")):
            raw = normalize(req.text)
            tail = _REF.search(raw)
            value_text = raw[tail.end():] if tail else raw[ref.end():]
            return self.propose(ctx, view, indicator, value_text, req.user_id)
        return self.detail(ctx, view, indicator)

    @staticmethod
    def _asked_round(ctx: Context, view: RoundView, text: str) -> RoundView:
        """The round the question names ("…รอบ 12 เดือน"), when it is another of the year's rounds."""
        asked = _ROUND.search(text)
        if asked is None or int(asked.group(1)) == view.months or view.catalogue.round(int(asked.group(1))) is None:
            return view
        return kpi_store.round_view(ctx.session, view.catalogue.fiscal_year, int(asked.group(1))) or view

    def _unit_filter(self, text: str, view: RoundView) -> str:
        units = _units(view)
        for token in re.findall(r"[ก-ฮ]{2,3}\.?", text):
            if token.casefold() in units:
                return units[token.casefold()]
        return ""

    # ----- views -----------------------------------------------------------------------------
    def status_card(self, ctx: Context, view: RoundView, unit: str = "") -> Reply:
        if not ctx.is_registered:
            return need_register(ctx)
        cat = view.catalogue
        unit_of = {ind.number: ind.unit for ind in cat.indicators}
        round_name = cat.round(view.months).name if cat.round(view.months) else f"รอบ {view.months} เดือน"
        sections: list[CardSection] = []
        alt_parts: list[str] = []
        for comp in cat.components:
            items = [s for s in view.scored if s.component == comp.number]
            if unit:
                items = [s for s in items if unit_of[s.number] == unit]
            if not items:
                continue
            title = f"องค์ประกอบที่ {comp.number} {comp.short or comp.name} ({format_number(comp.weight)}%)"
            if view.months not in comp.rounds:
                # Named even without results: a manager asks which indicators the component holds.
                waiting = tuple(CardRow(label=f"{s.number}. {_indicator_name(cat, s)}", value="-") for s in items)
                sections.append(CardSection(title=title, body=f"ประเมินเฉพาะรอบ {', '.join(map(str, comp.rounds))} "
                                            f"เดือน — ยังไม่มีผลใน{round_name}", rows=waiting))
                alt_parts.append(f"องค์ประกอบที่ {comp.number} ประเมินเฉพาะรอบ 12 เดือน")
                continue
            rows = []
            for s in items:
                st = status(s.score)
                rows.append(CardRow(label=f"{s.number}. {_indicator_name(cat, s)}",
                                    value=_score_text(s.score), bar=s.score if s.score is not None else 0.0,
                                    color=st.colour))
            total = view.summary.components.get(comp.number)
            if total and not unit and total.percent is not None:
                rows.append(CardRow(label="รวมองค์ประกอบ", value=f"{_pts(total.earned)} / {_pts(total.possible)}"))
            sections.append(CardSection(title=title, rows=tuple(rows)))
        overall = view.summary.overall
        if not view.results:
            shown = [m for m in sorted({m for ind in cat.indicators for m in ind.rounds}) if m != view.months]
            return Reply.text(f"ยังไม่มีข้อมูลผลการดำเนินงาน{round_name} ปีงบประมาณ {cat.fiscal_year} ค่ะ"
                              + (f" ข้อมูลที่มีคือรอบ {shown[-1]} เดือน" if shown else ""),
                              [ask(f"สถานะ KPI รอบ {shown[-1]} เดือน")] if shown else [])
        if unit:
            mine = [s for s in view.scored if unit_of[s.number] == unit]
            if not mine:
                return Reply.text(f"ไม่พบตัวชี้วัดที่ {unit} รับผิดชอบในปีงบประมาณ {cat.fiscal_year} ค่ะ",
                                  [ask("สถานะ KPI")])
            headline = f"ตัวชี้วัดของ {unit} ({len(mine)} ตัว)"
        else:
            pct = f"{overall.percent:.2f}%" if overall.percent is not None else "-"
            headline = f"รวม {_pts(overall.earned)} / {_pts(overall.possible)} คะแนน ({pct})"
        alt = (f"สถานะ KPI ปีงบประมาณ {cat.fiscal_year} {round_name}: {headline}. "
               + "; ".join(f"ตัวชี้วัดที่ {s.number} {_score_text(s.score)}" for s in view.scored
                           if s.score is not None and (not unit or unit_of[s.number] == unit))
               + (". " + ". ".join(alt_parts) if alt_parts else ""))
        card = Card(title=f"สถานะ KPI ปีงบประมาณ {cat.fiscal_year}", subtitle=f"{round_name} · {headline}",
                    alt_text=alt[:400], sections=tuple(sections), footer=ASSUMPTION_NOTE)
        choices = [ask(f"ตัวชี้วัดที่ {s.number}") for s in view.scored if s.score is not None][:8]
        summary_text = (f"{card.title} {round_name}\n{headline}\n"
                        "(เอกสารรายงานผลการดำเนินงาน คะแนนเป็นการคำนวณของบอท ดูหมายเหตุท้ายการ์ด)")
        return Reply(messages=(Text(summary_text), card), choices=tuple(choices))

    def detail(self, ctx: Context, view: RoundView, ind: Indicator) -> Reply:
        cat = view.catalogue
        comp = cat.component(ind.component)
        targets = ind.rounds.get(view.months)
        rows = [
            CardRow("น้ำหนัก", f"ร้อยละ {format_number(ind.weight)}"),
            CardRow("หน่วยงานรับผิดชอบ", ind.unit or "-"),
            CardRow("องค์ประกอบ", f"{ind.component} {comp.short if comp else ''}".strip()),
        ]
        lines = [f"ตัวชี้วัดที่ {ind.number} {ind.name}",
                 f"น้ำหนัก ร้อยละ {format_number(ind.weight)} · หน่วยงานรับผิดชอบ {ind.unit or '-'}"]
        sections = [CardSection(rows=tuple(rows))]
        choices: list[Choice] = [ask("สถานะ KPI")]
        if targets is None:
            rounds = ", ".join(str(m) for m in (comp.rounds if comp else ()))
            given = ", ".join(str(m) for m in sorted(ind.rounds))
            note = (f"ตัวชี้วัดนี้อยู่ในองค์ประกอบที่ {ind.component} ซึ่งประเมินเฉพาะรอบ {rounds} เดือน "
                    f"จึงยังไม่มีข้อมูลค่าเป้าหมายและผลในรอบ {view.months} เดือน"
                    if comp is None or view.months not in comp.rounds else
                    f"ยังไม่มีข้อมูลค่าเป้าหมายและผลของรอบ {view.months} เดือนค่ะ"
                    + (f" (ข้อมูลที่มีคือรอบ {given} เดือน)" if given else ""))
            lines.append(note)
            sections.append(CardSection(title="ค่าเป้าหมาย", body=note))
        else:
            trows = (CardRow("ขั้นต่ำ (50 คะแนน)", ind.quantity(format_number(targets.min))),
                     CardRow("มาตรฐาน (75 คะแนน)", ind.quantity(format_number(targets.standard))),
                     CardRow("ขั้นสูง (100 คะแนน)", ind.quantity(format_number(targets.high))))
            sections.append(CardSection(title=f"ค่าเป้าหมายรอบ {view.months} เดือน", rows=trows))
            lines.append(f"ค่าเป้าหมายรอบ {view.months} เดือน: ขั้นต่ำ {trows[0].value} · มาตรฐาน {trows[1].value} · "
                         f"ขั้นสูง {trows[2].value}")
            if ctx.is_registered:
                item = view.item(ind.number)
                row = view.results.get(ind.number)
                result_text = (row.result_text if row and row.result_text else
                               ind.quantity(_number_text(item.result if item else None)))
                st = status(item.score if item else None)
                res_rows = [CardRow("ผลการดำเนินงาน", result_text),
                            CardRow("คะแนน", _score_text(item.score if item else None),
                                    bar=item.score if item and item.score is not None else None, color=st.colour),
                            CardRow("สถานะ", st.label)]
                gap = gap_to_next(item.result, targets, ind.direction) if item and item.result is not None else None
                if gap is not None:
                    res_rows.append(CardRow("ส่วนที่ขาด", format_gap(gap, ind.measure)))
                sections.append(CardSection(title="ผล", rows=tuple(res_rows)))
                lines.append(f"ผลการดำเนินงาน: {result_text} → {_score_text(item.score if item else None)} "
                             f"({st.label})" + (f" · {format_gap(gap, ind.measure)}" if gap else ""))
                choices.append(ask(f"ประวัติ ตัวชี้วัดที่ {ind.number}"))
                if ctx.role in MANAGER_ROLES:
                    choices.append(ask("วิธีบันทึกผล", f"บันทึกผล ตัวชี้วัดที่ {ind.number}"))
            elif ctx.shared_chat:
                lines.append(PRIVATE_ONLY)
                choices = list(private_chat(ctx).choices) + choices
            else:
                lines.append(NEED_REGISTER)
                choices.append(ask("ลงทะเบียน"))
        text = "\n".join(lines)
        card = Card(title=f"ตัวชี้วัดที่ {ind.number}", subtitle=ind.name, alt_text=text[:400],
                    sections=tuple(sections), footer=ASSUMPTION_NOTE if ctx.is_registered and targets else "")
        return Reply(messages=(Text(text), card), choices=tuple(choices), topic=f"kpi-{ind.number}")

    def history(self, ctx: Context, view: RoundView, ind: Indicator) -> Reply:
        if not ctx.is_registered:
            return need_register(ctx)
        changes = kpi_store.history(ctx.session, view.catalogue.fiscal_year, ind.number)
        if not changes:
            return Reply.text(f"ตัวชี้วัดที่ {ind.number} ยังไม่มีการแก้ไขผลผ่านบอทค่ะ "
                              f"(ผลปัจจุบันมาจากเอกสารที่นำเข้า)", [ask(f"ตัวชี้วัดที่ {ind.number}")])
        lines = [f"ประวัติการแก้ไขผล ตัวชี้วัดที่ {ind.number} (ล่าสุดก่อน)"]
        for c in changes:
            when = c.at.astimezone(_BANGKOK).strftime("%d/%m/%Y %H:%M")
            who = c.changed_by_name or c.changed_by
            old = _number_text(c.old_result)
            lines.append(f"• {when} น. {who}: {old} → {_number_text(c.new_result)} "
                         f"(คะแนน {_score_or_dash(c.old_score)} → {_score_or_dash(c.new_score)})")
        return Reply.text("\n".join(lines), [ask(f"ตัวชี้วัดที่ {ind.number}")])

    # ----- recording -------------------------------------------------------------------------
    def propose(self, ctx: Context, view: RoundView, ind: Indicator, value_text: str, user_id: str) -> Reply:
        if not ctx.is_registered:
            return need_register(ctx)
        if ctx.role not in MANAGER_ROLES:
            return Reply.text("ขออภัยค่ะ การบันทึกผลตัวชี้วัดทำได้เฉพาะผู้บริหาร (manager) หรือผู้ดูแลระบบ "
                              "บุคลากรทั่วไปดูผลได้ แต่แก้ไขไม่ได้ค่ะ", [ask(f"ตัวชี้วัดที่ {ind.number}")])
        targets = ind.rounds.get(view.months)
        if targets is None:
            return Reply.text(f"ตัวชี้วัดที่ {ind.number} ไม่มีค่าเป้าหมายในรอบ {view.months} เดือน "
                              f"จึงยังบันทึกผลรอบนี้ไม่ได้ค่ะ")
        reading = read_number(value_text)
        if reading.value is None:
            example = f"บันทึกผล ตัวชี้วัดที่ {ind.number} {format_number(targets.standard)}"
            why = reading.reason or "ไม่พบตัวเลข"
            return Reply.text(f"ยังไม่ได้บันทึกค่ะ: {why.split(' (')[0]}\nกรุณาพิมพ์ผลเป็นตัวเลข เช่น “{example}”",
                              [ask(f"ตัวชี้วัดที่ {ind.number}")])
        new = reading.value
        current = view.results.get(ind.number)
        old = Decimal(current.result) if current is not None else None
        old_score = kpi_store.score_with(ind, view.months, old)
        new_score = kpi_store.score_with(ind, view.months, new)
        if old is not None and old == new:
            return Reply.text(f"ผลตัวชี้วัดที่ {ind.number} เป็น {format_number(new)} อยู่แล้วค่ะ ไม่มีอะไรเปลี่ยน")
        data = f"kpi:set|{view.catalogue.fiscal_year}|{view.months}|{ind.number}|{_plain(new)}|{_plain(old)}"
        self.flow.go(ctx, user_id, "confirm", {"set": data})
        text = (f"ยืนยันบันทึกผล ตัวชี้วัดที่ {ind.number} ({view.months} เดือน)?\n"
                f"ผลเดิม: {ind.quantity(_number_text(old))} → {_score_text(old_score)}\n"
                f"ผลใหม่: {ind.quantity(format_number(new))} → {_score_text(new_score)}\n"
                f"แตะ “ยืนยัน” เพื่อบันทึก หรือ “ยกเลิก”")
        return Reply.text(text, [tap("ยืนยัน", data, "ยืนยันบันทึกผล"), tap("ยกเลิก", "kpi:cancel", "ยกเลิก")])

    def _typed_answer(self, req: Request, ctx: Context, view: RoundView) -> Reply:
        """"ยืนยัน" / "ยกเลิก" typed at the confirmation: what its buttons do."""
        if self.flow.current(ctx) is None:
            return Reply.text(self.flow.expired_note() + " พิมพ์คำสั่งบันทึกผลใหม่ได้เลยค่ะ", [ask("สถานะ KPI")])
        pending = str(self.flow.data(ctx).get("set", ""))
        action = "kpi:cancel" if is_cancel(req) else pending
        return self._postback(Request(user_id=req.user_id, kind="postback", data=action, chat_type=req.chat_type,
                                      event_id=req.event_id), ctx, view)

    def _postback(self, req: Request, ctx: Context, view: RoundView) -> Reply:
        if self.flow.current(ctx) is not None:
            self.flow.end(ctx, req.user_id)  # a button, or its word typed, answers the confirmation
        if req.data == "kpi:cancel":
            return Reply.text("ยกเลิกแล้วค่ะ ไม่มีการบันทึก", [ask("สถานะ KPI")])
        parts = req.data.split("|")
        if parts[0] != "kpi:set" or len(parts) != 6:
            return Reply.text("ขออภัยค่ะ ปุ่มนี้ใช้ไม่ได้แล้ว ลองพิมพ์คำสั่งใหม่นะคะ")
        if not ctx.is_registered or ctx.role not in MANAGER_ROLES:
            return Reply.text("ขออภัยค่ะ การบันทึกผลตัวชี้วัดทำได้เฉพาะผู้บริหาร (manager) หรือผู้ดูแลระบบ")
        try:
            year, months, number = int(parts[1]), int(parts[2]), int(parts[3])
            new = Decimal(parts[4])
            old = Decimal(parts[5]) if parts[5] else None
        except (ValueError, ArithmeticError):
            return Reply.text("ขออภัยค่ะ ข้อมูลในปุ่มไม่ถูกต้อง ลองพิมพ์คำสั่งบันทึกผลใหม่นะคะ")
        if (not all(_PLAIN_NUMBER.fullmatch(v) for v in parts[4:6] if v) or result_problem(new)
                or (old is not None and not old.is_finite())):
            # The bot's own buttons never hold these ("1e309", "NaN", -1, 10^30): a crafted tap stores nothing.
            return Reply.text("ขออภัยค่ะ ข้อมูลในปุ่มไม่ถูกต้อง ลองพิมพ์คำสั่งบันทึกผลใหม่นะคะ")
        user = ctx.user
        outcome = kpi_store.record_result(ctx.session, year=year, months=months, number=number, expected_old=old,
                                          new=new, actor=req.user_id,
                                          actor_name=(user.full_name or user.display_name) if user else "")
        if outcome == "unknown":
            return Reply.text("ขออภัยค่ะ ปุ่มนี้ใช้ไม่ได้แล้ว (ไม่พบตัวชี้วัดหรือรอบนี้ในระบบ) ลองพิมพ์คำสั่งใหม่นะคะ",
                              [ask("สถานะ KPI")])
        if outcome == "same":
            return Reply.text(f"บันทึกผลตัวชี้วัดที่ {number} เป็น {format_number(new)} ไว้แล้วค่ะ",
                              [ask(f"ตัวชี้วัดที่ {number}"), ask("สถานะ KPI")])
        if outcome == "changed":
            return Reply.text(f"ยังไม่ได้บันทึกค่ะ ผลตัวชี้วัดที่ {number} ถูกแก้ไขไปก่อนแล้ว "
                              f"กรุณาดูค่าล่าสุดแล้วสั่งบันทึกใหม่", [ask(f"ตัวชี้วัดที่ {number}")])
        fresh = kpi_store.round_view(ctx.session, year, months)
        item = fresh.item(number) if fresh else None
        overall = fresh.summary.overall if fresh else None
        total = (f"\nคะแนนรวม {_pts(overall.earned)} / {_pts(overall.possible)} "
                 f"({overall.percent:.2f}%)" if overall and overall.percent is not None else "")
        return Reply.text(f"บันทึกเรียบร้อยค่ะ ✅ ตัวชี้วัดที่ {number} = {format_number(new)} → "
                          f"{_score_text(item.score if item else None)}{total}",
                          [ask(f"ตัวชี้วัดที่ {number}"), ask("สถานะ KPI"), ask(f"ประวัติ ตัวชี้วัดที่ {number}")])




def _short(name: str, limit: int = 48) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _pts(value: float) -> str:
    text = f"{value:.3f}".rstrip("0")
    if text.endswith("."):
        text += "00"
    elif len(text.split(".")[1]) == 1:
        text += "0"
    return text


def _plain(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def _score_or_dash(value: Decimal | None) -> str:
    return "-" if value is None else f"{float(value):.2f}"

