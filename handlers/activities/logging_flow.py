"""Logging a participation step by step: the activity, the item, the day, a note, then a summary to confirm.

Nothing is stored until the person confirms the summary; the database's unique key makes every duplicate
(redelivery, double tap, the same sentence twice) answer "บันทึกไว้แล้ว" instead of counting twice.
"""

from __future__ import annotations

import secrets
from datetime import date

from core.dispatch import Context
from core.messages import Choice, Reply, Request
from db import activity_store as store
from handlers.access import need_registration
from handlers.activities.common import (
    CONFIRM_WORDS,
    FLOW,
    NONE_WORDS,
    current_plan,
    item_label,
    number_in,
    stale,
)
from handlers.activities.deletion import withdraw_confirmed
from handlers.activities.erasure import forget_confirmed
from handlers.activities.language import date_example, day_problem, parse_day, understand
from handlers.common import ask, command, is_command, tap
from knowledge.activities import Activity, Item, Plan
from thai import normalize

NOTE_MAX = 300


def start(req: Request, ctx: Context) -> Reply:
    """"บันทึกกิจกรรม": ask for the activity, the item, the day and a note, tap by tap (registered staff only:
    ``ActivitiesHandler.access``)."""
    plan = current_plan(ctx)
    if plan is None:
        return Reply.text("ขออภัยค่ะ ยังไม่มีแผนกิจกรรมในระบบ กรุณาแจ้งผู้ดูแลระบบให้นำเข้า "
                          "(flask --app bot activities import)")
    return ask_next(req, ctx, {"plan": plan.fiscal_year, "src": "tap"})


def ask_next(req: Request, ctx: Context, data: dict, problem: str = "") -> Reply:
    """Move to the first thing still missing and ask for it (or show the summary to confirm)."""
    plan = store.plan_for(ctx.session, data.get("plan") or 0) or current_plan(ctx)
    if plan is None:
        FLOW.end(ctx, req.user_id)
        return Reply.text("ขออภัยค่ะ ยังไม่มีแผนกิจกรรมในระบบ กรุณาแจ้งผู้ดูแลระบบ")
    act = plan.activity(data.get("act") or "")
    if act is not None and not data.get("item") and len(act.items) == 1:
        data["item"] = act.items[0].number
    item = act.item(int(data.get("item") or 0)) if act else None
    lead = f"{problem}\n" if problem else ""
    cancel = ask("ยกเลิก")
    if act is None:
        FLOW.go(ctx, req.user_id, "activity", data)
        options = [a for a in plan.activities if a.code in (data.get("options") or [])] or list(plan.activities)
        listing = "\n".join(f"{a.number}) {a.name}" for a in options)
        return Reply.text(f"{lead}เลือกกิจกรรมที่เข้าร่วมค่ะ\n{listing}", [*(ask(a.short) for a in options), cancel])
    if item is None:
        FLOW.go(ctx, req.user_id, "item", data)
        listing = "\n".join(f"{item_label(i)}: {i.text[:90]}{'…' if len(i.text) > 90 else ''}"
                            for i in act.items)
        return Reply.text(f"{lead}กิจกรรม {act.name} — เข้าร่วมรายการไหนคะ\n{listing}",
                          [*(ask(i.short) for i in act.items), cancel])
    if not data.get("day"):
        FLOW.go(ctx, req.user_id, "date", data)
        picker = Choice(label="เลือกวันที่", data="act:date", action="datepicker")
        example = date_example(store.bangkok_today(ctx.now))
        return Reply.text(f"{lead}{act.short} · {item_label(item)}\nเข้าร่วมวันไหนคะ แตะปุ่ม หรือพิมพ์วันที่ "
                          f"เช่น “{example}”", [ask("วันนี้"), ask("เมื่อวาน"), picker, cancel])
    if data.get("src") == "tap" and not data.get("note_done"):
        FLOW.go(ctx, req.user_id, "note", data)
        return Reply.text(f"{lead}มีหมายเหตุเพิ่มเติมไหมคะ (เช่น สถานที่ หรือยอดบริจาค) พิมพ์มาได้เลย "
                          "หรือแตะ “ไม่มี”", [ask("ไม่มี"), cancel])
    day = date.fromisoformat(data["day"])
    if store.find(ctx.session, req.user_id, act.code, item.number, day) is not None:
        FLOW.end(ctx, req.user_id)
        return Reply.text(f"{lead}บันทึกไว้แล้วค่ะ 😊 {act.short} · {item_label(item)} วันที่ "
                          f"{store.thai_date(day)} มีอยู่ในระบบแล้ว ไม่ต้องบันทึกซ้ำนะคะ", [ask("กิจกรรมของฉัน")])
    data["key"] = data.get("key") or secrets.token_hex(8)
    FLOW.go(ctx, req.user_id, "confirm", data)
    heard = "จากข้อความ เข้าใจว่า" if data.get("src") == "text" else "ตรวจสอบก่อนบันทึกนะคะ"
    text = (f"{lead}{heard}\n• กิจกรรม: {act.name}\n• รายการ: {item_label(item)}\n"
            f"• วันที่: {store.thai_date(day, weekday=True)}\n• หมายเหตุ: {data.get('note') or '-'}\n"
            "ถูกต้องไหมคะ แตะ “ยืนยัน” เพื่อบันทึก หรือ “ยกเลิก”")
    return Reply.text(text, [tap("ยืนยัน", f"act:ok|{data['key']}", "ยืนยัน"), tap("ยกเลิก", "act:cancel")])


def answer_step(req: Request, ctx: Context) -> Reply:
    step, data = FLOW.step(ctx), FLOW.data(ctx)
    plan = store.plan_for(ctx.session, data.get("plan") or 0)
    if plan is None or not ctx.is_registered:
        FLOW.end(ctx, req.user_id)
        return need_registration(ctx) if not ctx.is_registered else stale(ctx)
    text = req.text.strip()
    if step == "activity":
        act, named = pick_activity(plan, text)
        if act is None:
            return ask_next(req, ctx, data, f"ขออภัยค่ะ ไม่พบกิจกรรม “{text[:40]}” กรุณาเลือกจากปุ่มด้านล่าง "
                                             "หรือพิมพ์ “ยกเลิก”")
        data["act"] = act.code
        if not named:  # a sentence ("บริจาคโลหิตเมื่อวาน") may name the item and the day too
            data["item"] = understand(plan, text, within=act.code).item or data.get("item") or 0
            return maybe_day(req, ctx, data, text)
        return ask_next(req, ctx, data)
    if step == "item":
        act = plan.activity(data.get("act") or "")
        item = pick_item(plan, act, text) if act else None
        if item is None:
            return ask_next(req, ctx, data, f"ขออภัยค่ะ ไม่พบรายการ “{text[:40]}” ในกิจกรรมนี้ "
                                             "กรุณาเลือกจากปุ่มด้านล่าง หรือพิมพ์ “ยกเลิก”")
        data["item"] = item.number
        return maybe_day(req, ctx, data, text)
    if step == "date":
        day, why = parse_day(text, store.bangkok_today(ctx.now))
        if day is None:
            why = why or f"อ่านวันที่จาก “{text[:40]}” ไม่ได้"
            today = store.bangkok_today(ctx.now)
            return ask_next(req, ctx, data, f"ขออภัยค่ะ {why} ลองพิมพ์เช่น “เมื่อวาน” หรือ “{date_example(today)}”")
        return set_day(req, ctx, day)
    if step == "note":
        # Not normalised when far too long (what that costs grows with the text).
        far_too_long = len(text) > NOTE_MAX * 2
        note = "" if is_command(text, *NONE_WORDS) or far_too_long else " ".join(normalize(text).split())
        if len(note) > NOTE_MAX or far_too_long:
            return ask_next(req, ctx, data, f"ขออภัยค่ะ หมายเหตุยาวเกิน {NOTE_MAX} ตัวอักษร กรุณาย่อให้สั้นลง")
        data["note"], data["note_done"] = note, True
        return ask_next(req, ctx, data)
    if step == "confirm":
        if is_command(text, *CONFIRM_WORDS):
            return confirm(req, ctx, data.get("key", ""))
        return ask_next(req, ctx, data, "กรุณาแตะ “ยืนยัน” เพื่อบันทึก หรือ “ยกเลิก” ค่ะ")
    if step in {"withdraw", "forget"}:
        if is_command(text, *CONFIRM_WORDS):
            confirmed = withdraw_confirmed if step == "withdraw" else forget_confirmed
            return confirmed(req, ctx, data.get("key", ""))
        FLOW.go(ctx, req.user_id, step, data)
        return Reply.text("กรุณาแตะปุ่มยืนยัน หรือพิมพ์ “ยกเลิก” ค่ะ", [ask("ยกเลิก")])
    FLOW.end(ctx, req.user_id)
    return stale(ctx)


def maybe_day(req: Request, ctx: Context, data: dict, text: str) -> Reply:
    """A typed answer may carry the date too ("บริจาคโลหิต เมื่อวาน")."""
    day, _ = parse_day(text, store.bangkok_today(ctx.now))
    if day is not None and not data.get("day") and not day_problem(day, store.bangkok_today(ctx.now),
                                                                   data.get("plan")):
        data["day"] = day.isoformat()
    return ask_next(req, ctx, data)


def set_day(req: Request, ctx: Context, day: date) -> Reply:
    data = FLOW.data(ctx)
    problem = day_problem(day, store.bangkok_today(ctx.now), data.get("plan"))
    if problem:
        data.pop("day", None)
        return ask_next(req, ctx, data, problem)
    data["day"] = day.isoformat()
    return ask_next(req, ctx, data)


def pick_activity(plan: Plan, text: str) -> tuple[Activity | None, bool]:
    """The activity a step answer names, and whether it was named exactly (a button or a number)."""
    flat = command(text)
    for act in plan.activities:
        if flat in {command(act.short), command(act.name), command(act.code)}:
            return act, True
    number = number_in(text)
    if number is not None:
        return next((a for a in plan.activities if a.number == number), None), True
    understood = understand(plan, text)
    return (plan.activity(understood.activity), False) if understood.activity else (None, False)


def pick_item(plan: Plan, act: Activity, text: str) -> Item | None:
    flat = command(text)
    for item in act.items:
        if flat in {command(item.short), command(item_label(item))}:
            return item
    number = number_in(text)
    if number is not None:
        return act.item(number)
    found = understand(plan, text, within=act.code).item
    return act.item(found) if found else None


def confirm(req: Request, ctx: Context, key: str) -> Reply:
    data = FLOW.data(ctx)
    if FLOW.step(ctx) != "confirm" or not key or data.get("key") != key:
        if store.by_confirm_key(ctx.session, req.user_id, key) is not None:
            return Reply.text("บันทึกไว้แล้วค่ะ 😊 รายการนี้อยู่ในระบบแล้ว ไม่ได้บันทึกซ้ำนะคะ", [ask("กิจกรรมของฉัน")])
        return stale(ctx)
    FLOW.end(ctx, req.user_id)
    if not ctx.is_registered:
        return need_registration(ctx)
    plan = store.plan_for(ctx.session, data.get("plan") or 0)
    act = plan.activity(data.get("act") or "") if plan else None
    item = act.item(int(data.get("item") or 0)) if act else None
    if act is None or item is None or not data.get("day"):
        return stale(ctx)
    day = date.fromisoformat(data["day"])
    problem = day_problem(day, store.bangkok_today(ctx.now), plan.fiscal_year if plan else None)
    if problem:
        return Reply.text(f"ยังไม่ได้บันทึกค่ะ: {problem}", [ask("บันทึกกิจกรรม")])
    user = ctx.user
    outcome = store.record(ctx.session, store.NewRecord(
        user_key=req.user_id, activity_code=act.code, item_no=item.number, day=day,
        unit=user.unit if user else "", note=data.get("note", ""), source=data.get("src", "tap"),
        confirm_key=key), ctx.now)
    what = f"{act.short} · {item_label(item)} วันที่ {store.thai_date(day)}"
    if outcome == "exists":
        return Reply.text(f"บันทึกไว้แล้วค่ะ 😊 {what} มีอยู่ในระบบแล้ว ไม่ได้บันทึกซ้ำนะคะ", [ask("กิจกรรมของฉัน")])
    fy = store.fiscal_year_of(day)
    count = len(store.records_of(ctx.session, req.user_id, fy))
    note = f"\nหมายเหตุ: {data['note']}" if data.get("note") else ""
    return Reply.text(f"บันทึกเรียบร้อยค่ะ ✅\n{act.name}\n{item_label(item)}\nวันที่ {store.thai_date(day)}{note}\n"
                      f"ปีงบประมาณ {fy} คุณบันทึกแล้ว {count} รายการ ขอบคุณที่ร่วมกิจกรรมนะคะ 🙏",
                      [ask("บันทึกกิจกรรม"), ask("กิจกรรมของฉัน")])


def picked_day(req: Request, ctx: Context) -> Reply:
    """The day chosen with the date picker button."""
    if FLOW.step(ctx) != "date":
        return stale(ctx)
    picked = req.params.get("date", "")
    try:
        day = date.fromisoformat(picked)
    except ValueError:
        example = date_example(store.bangkok_today(ctx.now))
        return ask_next(req, ctx, FLOW.data(ctx),
                        f"ขออภัยค่ะ ไม่ได้รับวันที่จากปฏิทิน กรุณาพิมพ์วันที่ เช่น “{example}” หรือ “เมื่อวาน”")
    return set_day(req, ctx, day)
