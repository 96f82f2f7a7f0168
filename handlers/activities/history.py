""""กิจกรรมของฉัน": a person's own records, newest first, with the way to withdraw the latest while it may be."""

from __future__ import annotations

from core.dispatch import Context
from core.messages import Reply, Request
from db import activity_store as store
from handlers.access import need_registration
from handlers.activities.common import describe
from handlers.common import ask

MINE_LINES = 15


def mine(req: Request, ctx: Context) -> Reply:
    records = store.records_of(ctx.session, req.user_id)
    if not records:
        # Records are shown to whoever they belong to; with none, a guest is asked to register first.
        if not ctx.is_registered:
            return need_registration(ctx)
        return Reply.text("ยังไม่มีรายการที่บันทึกไว้ค่ะ พิมพ์ “บันทึกกิจกรรม” หรือเล่า เช่น "
                          "“เมื่อวานเข้าอบรม No Gift Policy”", [ask("บันทึกกิจกรรม")])
    fy = store.fiscal_year_of(store.bangkok_today(ctx.now))
    this_year = sum(1 for r in records if r.fiscal_year == fy)
    lines = [f"กิจกรรมของคุณ: ปีงบประมาณ {fy} {this_year} รายการ (ทั้งหมด {len(records)} รายการ) ล่าสุดก่อน"]
    lines += [f"{i}. {describe(ctx, r)}" for i, r in enumerate(records[:MINE_LINES], start=1)]
    if len(records) > MINE_LINES:
        lines.append(f"…และอีก {len(records) - MINE_LINES} รายการ")
    choices = [ask("บันทึกกิจกรรม")]
    latest = store.latest_of(ctx.session, req.user_id)
    if latest is not None and ctx.now - latest.recorded_at <= store.WITHDRAW_WINDOW:
        choices.append(ask("ลบรายการล่าสุด"))
    return Reply.text("\n".join(lines), choices)
