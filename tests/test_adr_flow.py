"""The ADR checker through the webhook and the fake LINE API: buttons and typed ประเด็น, a draft in several
messages, the one-message form, the card LINE receives, keeping a draft, listing and erasing it (PDPA),
ยกเลิก and expiry — asserting on what LINE receives and on the database."""

from __future__ import annotations

import json

from sqlalchemy import select

from db.models import AdrDraft, Conversation
from tests.conftest import Bot
from tests.test_activities_support import OTHER, STAFF, action, count, labels, register, use_clock

A = "ในปีงบประมาณ พ.ศ. 2567 สำนักงานจัดทำคู่มือการจัดการข้อร้องเรียน กำหนดขั้นตอนและมาตรฐานช่องทางรับเรื่อง"
D = "ถ่ายทอดคู่มือสู่ทุกกองและสำนักงานสถิติจังหวัดผ่านการประชุมชี้แจง"
R = "ผลการดำเนินงาน แก้ไขข้อร้องเรียนแล้วเสร็จร้อยละ 93 เพิ่มขึ้นจากร้อยละ 85 ในปี 2566"


def drafts(bot: Bot, user: str = STAFF) -> list[AdrDraft]:
    with bot.engine.sessions() as s:
        return list(s.scalars(select(AdrDraft).where(AdrDraft.line_user_id == user).order_by(AdrDraft.id)))


def conversation_of(bot: Bot, user: str = STAFF) -> Conversation | None:
    with bot.engine.sessions() as s:
        return s.get(Conversation, user)


def flex_of(bot: Bot) -> dict:
    [flex] = [m for m in bot.last_reply()["messages"] if m["type"] == "flex"]
    return flex


def test_buttons_then_a_draft_in_three_messages(bot: Bot):
    use_clock(bot)
    first = bot.say("ตรวจคำตอบ ADR", STAFF)
    assert "ประเด็นไหน" in first and labels(bot) == [f"หมวด {n}" for n in range(1, 8)] + ["ยกเลิก"]
    listed = bot.tap(action(bot, "หมวด 3")["data"], STAFF)
    assert "ประเด็น 3.4 กระบวนการแก้ไขข้อร้องเรียนที่รวดเร็วและสร้างสรรค์" in listed
    button = next(label for label in labels(bot) if label.startswith("3.4"))
    assert len(button) <= 20
    asked = bot.tap(action(bot, button)["data"], STAFF)
    assert "วางร่างคำตอบ" in asked and "ตรวจเลย" in asked
    assert "รับร่างส่วนที่ 1" in bot.say(A, STAFF)
    assert "รับร่างส่วนที่ 2" in bot.say(D + " ผู้รับบริการถามว่าติดต่อที่ไหน?", STAFF)  # a question is still draft
    third = bot.say(R, STAFF)
    assert "รับร่างส่วนที่ 3" in third and labels(bot) == ["ตรวจเลย", "ยกเลิก"]
    report = bot.say("ตรวจเลย", STAFF)
    total = len("\n".join([A, D + " ผู้รับบริการถามว่าติดต่อที่ไหน?", R]))
    for line in (f"จำนวนอักขระ: {total:,} / 3,000", "Approach: พบ", "Deployment: พบ", "Result: พบ",
                 "ปีที่ประเมิน (2567): ระบุแล้ว", "ผลเป็นตัวเลข: มี", "Basic", "ข้อแนะนำ", "maxlength",
                 "ก.พ.ร.", "ระดับที่ร่างน่าจะสนับสนุน", "“ถ่ายทอดคู่มือสู่ทุกกอง"):
        assert line in report, line
    flex = flex_of(bot)
    assert len(json.dumps(flex["contents"], ensure_ascii=False).encode()) <= 30_000
    assert flex["altText"].startswith("ผลตรวจร่าง ประเด็น 3.4")
    texts = [m["text"] for m in bot.last_reply()["messages"] if m["type"] == "text"]
    assert len(texts) == 1 and "Approach: พบ" in texts[0]  # the text version, in the same words
    assert labels(bot) == ["บันทึกร่าง", "ตรวจร่างใหม่", "ยกเลิก"]
    assert drafts(bot) == []  # nothing kept unless asked
    assert "รับร่างส่วนที่ 1" in bot.say(A + " " + R, STAFF)  # a revised draft pasted after the report
    assert "Deployment: ไม่พบ" in bot.say("เสร็จ", STAFF)
    assert "ส่งร่างใหม่มาได้เลย" in bot.say("ตรวจร่างใหม่", STAFF)


def test_one_message_over_the_limit_and_kept(bot: Bot):
    use_clock(bot)
    long_draft = "\n".join([A, D, R] + ["รายละเอียดเพิ่มเติมของการดำเนินงานที่ไม่ใช่สาระสำคัญ " * 10] * 6).strip()
    report = bot.say(f"ตรวจคำตอบ ADR ประเด็น 3.4\n{long_draft}", STAFF)
    chars = len(long_draft)
    assert chars > 3000 and f"จำนวนอักขระ: {chars:,} / 3,000 เกิน {chars - 3000:,} อักขระ" in report
    assert "1) [จำนวนอักขระ] ตัดให้เหลือไม่เกิน 3,000 อักขระ" in report
    kept = bot.say("บันทึกร่าง", STAFF)
    assert "บันทึกร่างประเด็น 3.4 แล้ว" in kept
    [row] = drafts(bot)
    assert (row.praden, row.text, row.chars) == ("3.4", long_draft, chars)
    assert conversation_of(bot) is None
    mine = bot.say("ร่างของฉัน", STAFF)
    assert "ร่างของคุณ 1 ร่าง" in mine and f"1) ประเด็น 3.4 · {chars:,} อักขระ" in mine
    shown = bot.say("ดูร่าง 1", STAFF)
    assert long_draft.split("\n")[0] in shown
    assert "Approach: พบ" in bot.say("ตรวจร่าง 1", STAFF)
    assert "ไม่พบร่างที่ 2" in bot.say("ดูร่าง 2", STAFF)
    assert drafts(bot, OTHER) == [] and "ยังไม่มีร่าง" in bot.say("ร่างของฉัน", OTHER)  # theirs alone


def test_typed_praden_draft_first_and_unknown_praden(bot: Bot):
    use_clock(bot)
    assert "ไม่พบประเด็น 8.1" in bot.say("ตรวจร่างคำตอบ 8.1", STAFF)
    assert "ได้รับร่างแล้ว" in bot.say(A + " " + D, STAFF)  # the draft before the ประเด็น
    assert "ไม่พบประเด็น 3.9" in bot.say("3.9", STAFF)
    report = bot.say("ประเด็น 1.2", STAFF)
    assert "ประเด็น 1.2" in report and "ไม่มีตารางระดับ Basic / Advance / Significance" in report
    assert "Result: ไม่พบ" in report and "[Result]" in report


def test_cancel_at_every_step_and_expiry(bot: Bot):
    clock = use_clock(bot)
    bot.say("ตรวจคำตอบ ADR", STAFF)
    assert "ยกเลิกการตรวจร่างแล้ว" in bot.say("ยกเลิก", STAFF) and conversation_of(bot) is None
    bot.say("ตรวจคำตอบ ADR 3.4", STAFF)
    bot.say(A, STAFF)
    assert "ยกเลิกการตรวจร่างแล้ว" in bot.say("ยกเลิก", STAFF) and conversation_of(bot) is None
    bot.say("ตรวจคำตอบ ADR 3.4", STAFF)
    bot.say(A, STAFF)
    clock.advance(minutes=11)
    late = bot.say("ตรวจเลย", STAFF)
    assert "หมดเวลาแล้ว" in late and "Approach" not in late
    assert "ยังไม่มีร่างที่ตรวจไว้" in bot.say("บันทึกร่าง", STAFF)
    assert drafts(bot) == []


def test_an_empty_draft_and_a_stale_button(bot: Bot):
    use_clock(bot)
    bot.say("ตรวจคำตอบ ADR 3.4", STAFF)
    assert "ยังไม่ได้รับร่าง" in bot.say("ตรวจเลย", STAFF)
    assert "ใช้ไม่ได้แล้ว" in bot.tap("adr:praden|3.4", STAFF)
    assert "ใช้ไม่ได้แล้ว" in bot.tap("adr:nonsense", STAFF)


def test_delete_one_and_pdpa_erasure(bot: Bot):
    use_clock(bot)
    register(bot, STAFF)
    for code in ("3.4", "4.4"):
        bot.say(f"ตรวจคำตอบ ADR {code}\n{A}\n{D}\n{R}", STAFF)
        bot.say("บันทึกร่าง", STAFF)
    bot.say(f"ตรวจคำตอบ ADR 3.2\n{A}", OTHER)
    bot.say("บันทึกร่าง", OTHER)
    assert [d.praden for d in drafts(bot)] == ["3.4", "4.4"]
    asked = bot.say("ลบร่าง 1", STAFF)  # the newest: 4.4
    assert "ประเด็น 4.4" in asked and drafts(bot)[-1].praden == "4.4"
    assert "ลบร่างแล้ว" in bot.tap(action(bot, "ยืนยันลบร่าง")["data"], STAFF)
    assert [d.praden for d in drafts(bot)] == ["3.4"]
    prompt = bot.say("ลบข้อมูลของฉัน", STAFF)
    assert "ร่างคำตอบ PMQA ที่บันทึกไว้ 1 ร่าง" in prompt
    assert "เรียบร้อย" in bot.tap(action(bot, "ยืนยันลบข้อมูล")["data"], STAFF)
    assert drafts(bot) == [] and [d.praden for d in drafts(bot, OTHER)] == ["3.2"]
    assert count(bot, AdrDraft) == 1


def test_pdpa_erasure_of_someone_with_only_drafts(bot: Bot):
    use_clock(bot)
    bot.say(f"ตรวจคำตอบ ADR 3.4\n{A}", OTHER)
    bot.say("บันทึกร่าง", OTHER)
    prompt = bot.say("ลบข้อมูลของฉัน", OTHER)
    assert "ไม่มีข้อมูลส่วนบุคคล" not in prompt and "1 ร่าง" in prompt
    bot.tap(action(bot, "ยืนยันลบข้อมูล")["data"], OTHER)
    assert drafts(bot, OTHER) == []


def test_help_lists_the_checker(bot: Bot):
    assert "ตรวจคำตอบ ADR" in bot.say("เมนู", STAFF)
    assert "ตรวจร่างคำตอบ ADR" in labels(bot)


def test_in_a_group_nothing_is_kept(bot: Bot):
    use_clock(bot)
    report = bot.say(f"ตรวจคำตอบ ADR 3.4\n{A}", STAFF, chat="group", mention_self=True)
    assert "Approach: พบ" in report
    assert "แชตส่วนตัว" in bot.say("บันทึกร่าง", STAFF, chat="group", mention_self=True)
    assert drafts(bot) == []


def test_kb_check_checks_the_checker_rules(sqlite_bot: Bot, tmp_path):
    import shutil
    from pathlib import Path

    from core.config import Settings

    runner = sqlite_bot.app.test_cli_runner()
    ok = runner.invoke(args=["kb", "check"])
    assert ok.exit_code == 0 and "OK: ADR checker rules checker.yaml (limit 3,000 อักขระ, ปี 2567)" in ok.output
    kdir = tmp_path / "knowledge"
    shutil.copytree(Path(__file__).resolve().parent.parent / "knowledge", kdir)
    rules = kdir / "adr" / "checker.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("char_limit: 3000", "char_limit: lots"),
                     encoding="utf-8")
    sqlite_bot.app.config["BOT_SETTINGS"] = Settings(**{**sqlite_bot.app.config["BOT_SETTINGS"].__dict__,
                                                        "knowledge_dir": kdir})
    bad = runner.invoke(args=["kb", "check"])
    assert bad.exit_code == 1 and "char_limit" in bad.output
