"""PDPA erasure on disk (issue #14, item 4): after "ลบข้อมูลของฉัน" and its confirmation, the person's LINE id,
name, LINE display name and what they typed are in none of the SQLite files' raw bytes — not in the WALs, not in
free pages. The tables alone would not show it: SQLite keeps deleted rows in free pages and old page images in
its WAL."""

from __future__ import annotations

import json
from pathlib import Path

from db.session import inbox_database_url
from tests.conftest import Bot
from tests.line_fake import text_event

PERSON = "U" + "5" * 30 + "ab"
OTHER = "U" + "6" * 32
NAME = "สมหญิง ลบทิ้งได้"
DISPLAY = "หญิงไลน์ลบได้"
TYPED = ("ทดสอบคำถามที่ไม่มีในระบบ ไซแซกกลางคืน", "หมายเหตุลับเฉพาะของฉัน")


def _files(bot: Bot) -> list[Path]:
    main = Path(bot.engine.db.url.database)
    inbox = Path(inbox_database_url(str(bot.engine.db.url)).split("///", 1)[1])
    return [p for base in (main, inbox) for p in base.parent.glob(base.name + "*") if p.is_file()]


def _raw(bot: Bot) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in _files(bot)}


def _found(raw: dict[str, bytes], needle: str) -> list[str]:
    """Files holding the text as UTF-8, or as JSON writes it (``\\u0e2a…``: the JSON columns)."""
    forms = {needle.encode("utf-8"), json.dumps(needle)[1:-1].encode("ascii")}
    return [name for name, data in raw.items() if any(form in data for form in forms)]


def _quick(bot: Bot, token: str, label: str) -> str:
    reply = bot.line.reply_for(token)
    items = reply["messages"][-1]["quickReply"]["items"]
    return next(i["action"]["data"] for i in items if i["action"]["label"] == label)


def test_an_erased_person_is_in_no_file_byte_for_byte(sqlite_bot: Bot):
    bot = sqlite_bot
    bot.line.profiles[PERSON] = DISPLAY
    bot.say("ลงทะเบียน", PERSON)
    bot.say(NAME, PERSON)
    bot.say("พส.", PERSON)
    assert "อนุมัติ" in bot.tap(f"reg:approve|{PERSON}", "U" + "a" * 32)
    bot.engine.look_up_profiles()  # the LINE display name is stored too
    result = bot.app.test_cli_runner().invoke(args=["users", "set-role", PERSON, "manager"])
    assert result.exit_code == 0, result.output
    bot.say("บันทึกผล ตัวชี้วัดที่ 3 1000", PERSON)
    assert "บันทึกเรียบร้อย" in bot.say("ยืนยัน", PERSON)  # a KPI change under their id and name
    bot.say(TYPED[0], PERSON)  # an unanswered question, kept for review
    for step in ("บันทึกกิจกรรม", "Better ADG", "ทำบุญตักบาตร", "เมื่อวาน", TYPED[1]):
        bot.say(step, PERSON)
    confirm = text_event("ยืนยัน", PERSON)
    bot.post(confirm)
    bot.engine.drain()
    assert "บันทึกเรียบร้อย" in str(bot.line.reply_for(confirm["replyToken"]))
    bot.say("หมวด 1 คืออะไร", OTHER)
    before = _raw(bot)
    for needle in (PERSON, NAME, DISPLAY, *TYPED):
        assert _found(before, needle), f"{needle!r} should be on disk before the erasure (the test would prove nothing)"

    asked = text_event("ลบข้อมูลของฉัน", PERSON)
    bot.post(asked)
    bot.engine.drain()
    assert "ลบข้อมูลส่วนบุคคลของคุณเรียบร้อยแล้ว" in bot.tap(_quick(bot, asked["replyToken"], "ยืนยันลบข้อมูล"), PERSON)
    bot.engine.drain()

    # Read while the bot still runs (its pooled connections open), and again after it has closed them.
    for when in ("running", "closed"):
        if when == "closed":
            bot.engine.dispose()
        after = _raw(bot)
        assert any(name.endswith("-wal") for name in after) or when == "closed"
        for needle in (PERSON, NAME, DISPLAY, *TYPED):
            assert not _found(after, needle), f"{needle!r} is still in {_found(after, needle)} ({when})"
        assert _found(after, OTHER), "someone else's events are kept"


def test_every_connection_zeroes_what_it_deletes(sqlite_bot: Bot):
    """``secure_delete`` is set by the bot, not left to how SQLite was built (Debian's build has it on by default,
    python.org's and macOS's do not)."""
    for engine in {sqlite_bot.engine.db, sqlite_bot.engine.read_db, sqlite_bot.engine.inbox_db,
                   sqlite_bot.engine.inbox_read_db}:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1


def test_a_reader_in_the_way_delays_the_wal_scrub_until_it_leaves(sqlite_bot: Bot):
    """A reader on an old snapshot keeps SQLite from emptying the WAL: the scrub is owed, and done when idle."""
    import sqlite3

    bot = sqlite_bot
    bot.say("หมวด 1 คืออะไร", PERSON)
    bot.say("ลบข้อมูลของฉัน", PERSON)
    confirm = _quick(bot, bot.line.replies()[-1]["replyToken"], "ยืนยันลบข้อมูล")
    reader = sqlite3.connect(bot.engine.db.url.database, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM users").fetchall()  # holds a snapshot from before the erasure
        assert "ลบข้อมูลส่วนบุคคลของคุณเรียบร้อยแล้ว" in bot.tap(confirm, PERSON)
        assert bot.engine._wal_scrub_owed
        assert _found(_raw(bot), PERSON)
    finally:
        reader.execute("ROLLBACK")
        reader.close()
    bot.engine.drain()  # idle chores: the scrub is tried again
    assert not bot.engine._wal_scrub_owed
    assert not _found(_raw(bot), PERSON)
