"""A person's records, withdrawing the latest, PDPA deletion, the managers' summary, the export and the
``activities import`` command — through the webhook and the real CLI."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from db.activities import ActivityPlan, Participation
from db.models import AuditLog, Conversation, InboundEvent, Outbox, User
from tests.conftest import Bot
from tests.test_activities_support import (
    MANAGER,
    OTHER,
    STAFF,
    STRANGER,
    action,
    count,
    labels,
    log_by_sentence,
    records,
    register,
    use_clock,
    user_row,
)

PLAN_FILE = Path(__file__).resolve().parent.parent / "knowledge" / "activities" / "fy2567.yaml"


def export_csv(bot: Bot, tmp_path: Path, *args: str) -> tuple[bytes, list[list[str]]]:
    out = tmp_path / "activities.csv"
    result = bot.app.test_cli_runner().invoke(args=["activities", "export", "--format", "csv", "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    return raw, list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


# ----- a person's own records -------------------------------------------------------------------

def test_my_records_and_withdrawing_the_latest_within_a_day(bot: Bot):
    clock = use_clock(bot)
    register(bot, STAFF)
    assert "ยังไม่มีรายการ" in bot.say("กิจกรรมของฉัน", STAFF)
    log_by_sentence(bot, "เมื่อวานเข้าอบรม No Gift Policy", STAFF)
    log_by_sentence(bot, "วันนี้ร่วมลงนามถวายพระพร", STAFF)
    mine = bot.say("กิจกรรมของฉัน", STAFF)
    assert "2 รายการ" in mine and "23 พ.ย. 2569 No Gift Policy" in mine and "24 พ.ย. 2569 ชาติ ศาสนา กษัตริย์" in mine
    assert "ลบรายการล่าสุด" in labels(bot)
    ask = bot.say("ลบรายการล่าสุด", STAFF)
    assert "ลงนามถวายพระพร" in ask and len(records(bot)) == 2  # nothing removed before the confirmation
    confirm = action(bot, "ยืนยันลบ")["data"]
    assert "ลบรายการแล้ว" in bot.tap(confirm, STAFF)
    assert [r.activity_code for r in records(bot)] == ["no-gift-policy"]
    assert "ไม่มีคำขอลบที่รออยู่" in bot.tap(confirm, STAFF)  # a double tap removes nothing more
    assert len(records(bot)) == 1
    # More than a day later the latest record can no longer be withdrawn by its owner.
    clock.advance(hours=25)
    late = bot.say("ลบรายการล่าสุด", STAFF)
    assert "เกิน 24 ชั่วโมง" in late and "ยืนยันลบ" not in labels(bot)
    bot.say("กิจกรรมของฉัน", STAFF)
    assert "ลบรายการล่าสุด" not in labels(bot)
    assert len(records(bot)) == 1
    # Someone else's records are not theirs to withdraw.
    register(bot, OTHER)
    assert "ยังไม่มีรายการให้ลบ" in bot.say("ลบรายการล่าสุด", OTHER)


def test_withdraw_is_checked_again_when_confirmed(bot: Bot):
    clock = use_clock(bot)
    register(bot, STAFF)
    log_by_sentence(bot, "เมื่อวานเข้าอบรม No Gift Policy", STAFF)
    clock.advance(hours=23, minutes=55)
    bot.say("ลบรายการล่าสุด", STAFF)
    confirm = action(bot, "ยืนยันลบ")["data"]
    clock.advance(minutes=6)  # the conversation is still alive, the day is over
    assert "เกิน 24 ชั่วโมง" in bot.tap(confirm, STAFF)
    assert len(records(bot)) == 1


# ----- PDPA ---------------------------------------------------------------------------------------

def test_deleting_my_data_keeps_the_counts(bot: Bot, tmp_path: Path):
    use_clock(bot)
    register(bot, STAFF, unit="บส.", name="สมชาย ใจดี")
    register(bot, OTHER, unit="พส.")
    register(bot, MANAGER, role="manager", unit="พส.")
    bot.say("บันทึกกิจกรรม", STAFF)
    bot.say("Better ADG", STAFF)
    bot.say("ทำบุญตักบาตร", STAFF)
    bot.say("เมื่อวาน", STAFF)
    bot.say("ที่วัดใกล้บ้านนายสมชาย", STAFF)
    bot.tap(action(bot, "ยืนยัน")["data"], STAFF)
    log_by_sentence(bot, "วันนี้ร่วมลงนามถวายพระพร", STAFF)
    log_by_sentence(bot, "วันนี้ร่วมลงนามถวายพระพร", OTHER)
    before = bot.say("สรุปกิจกรรม", MANAGER)
    assert "บันทึกทั้งหมด 3 ครั้ง" in before and "2 จาก 3 คน" in before
    ask = bot.say("ลบข้อมูลของฉัน", STAFF)
    assert "ลบถาวร" in ask and "2 รายการ" in ask and user_row(bot, STAFF) is not None
    done = bot.tap(action(bot, "ยืนยันลบข้อมูล")["data"], STAFF)
    assert "ลบข้อมูลส่วนบุคคลของคุณเรียบร้อยแล้ว" in done and "2 รายการ" in done
    # The person is gone: no user row, no conversation, no record or event under their LINE id, no notes.
    assert user_row(bot, STAFF) is None
    assert records(bot, user_key=STAFF) == []
    anonymous = [r for r in records(bot) if r.user_key.startswith("anon-")]
    assert len(anonymous) == 2 and len({r.user_key for r in anonymous}) == 1
    assert all(r.note == "" and r.unit == "บส." for r in anonymous)
    with bot.engine.inbox_sessions() as s:
        events = s.scalars(select(InboundEvent)).all()
        assert len(events) > 10  # the other people's events are there, untouched
        assert not [e for e in events if e.source_user_id == STAFF or STAFF in str(e.payload)]
        assert not [e for e in events if "วัดใกล้บ้าน" in str(e.payload)]
    with bot.engine.sessions() as s:
        assert s.get(Conversation, STAFF) is None
        sent = s.scalars(select(Outbox).where(Outbox.status == "sent")).all()
        assert not [o for o in sent if "สมชาย" in str(o.payload)]
        assert not [a for a in s.scalars(select(AuditLog)).all() if STAFF in (a.actor + str(a.detail))]
    # The counts stay; the share now counts only people still registered.
    after = bot.say("สรุปกิจกรรม", MANAGER)
    assert "บันทึกทั้งหมด 3 ครั้ง" in after and "1 จาก 2 คน" in after and "บส.\n2 ครั้ง · 1 คน" in after
    _raw, rows = export_csv(bot, tmp_path)
    assert len(rows) == 4 and sum(1 for r in rows if r[2] == "(ลบข้อมูลส่วนบุคคลแล้ว)") == 2
    assert "ที่วัดใกล้บ้านนายสมชาย" not in str(rows)
    # Afterwards they are a stranger: they must register again to log.
    assert "ลงทะเบียน" in bot.say("บันทึกกิจกรรม", STAFF)
    assert "ลงทะเบียน" in bot.say("กิจกรรมของฉัน", STAFF) and len(records(bot)) == 3


def test_deleting_data_needs_the_confirmation(bot: Bot):
    use_clock(bot)
    register(bot, STAFF)
    log_by_sentence(bot, "วันนี้ร่วมลงนามถวายพระพร", STAFF)
    bot.say("ลบข้อมูลของฉัน", STAFF)
    stale = action(bot, "ยืนยันลบข้อมูล")["data"]
    assert "ยกเลิกแล้ว" in bot.say("ยกเลิก", STAFF)
    assert "ไม่มีคำขอลบข้อมูลที่รออยู่" in bot.tap(stale, STAFF)
    assert user_row(bot, STAFF) is not None and records(bot)[0].user_key == STAFF


# ----- the summary --------------------------------------------------------------------------------

def test_summary_for_managers_covers_the_current_round(bot: Bot):
    clock = use_clock(bot)
    register(bot, STAFF, unit="บส.")
    register(bot, OTHER, unit="พส.")
    register(bot, MANAGER, role="manager", unit="พส.")
    register(bot, "U" + "9" * 32, unit="สม.")
    log_by_sentence(bot, "เมื่อวานเข้าอบรม No Gift Policy", STAFF)
    log_by_sentence(bot, "วันนี้ร่วมลงนามถวายพระพร", STAFF)
    log_by_sentence(bot, "วันนี้ร่วมลงนามถวายพระพร", OTHER)
    assert "เฉพาะผู้บริหาร" in bot.say("สรุปกิจกรรม", STAFF)
    assert "ลงทะเบียน" in bot.say("สรุปกิจกรรม", STRANGER)
    summary = bot.say("สรุปกิจกรรม", MANAGER)
    for phrase in ("ปีงบประมาณ 2570 รอบ 6 เดือน (1 ต.ค. 2569 – 31 มี.ค. 2570)", "ข้อมูลถึง 24 พ.ย. 2569",
                   "2 จาก 4 คน (50.0%)", "บันทึกทั้งหมด 3 ครั้ง", "No Gift Policy\n1 ครั้ง · 1 คน",
                   "ชาติ ศาสนา กษัตริย์\n2 ครั้ง · 2 คน", "Hall of Fame\n0", "บส.\n2 ครั้ง · 1 คน",
                   "พส.\n1 ครั้ง · 1 คน", "สม.\n0"):
        assert phrase in summary, phrase
    flex = [m for m in bot.last_reply()["messages"] if m["type"] == "flex"]
    assert flex and "2 จาก 4 คน" in flex[0]["altText"]
    # In April the 12-month round covers the whole fiscal year, November's records included.
    clock.now = datetime(2027, 4, 20, 3, 0, tzinfo=UTC)
    log_by_sentence(bot, "วันนี้ไปบริจาคเลือด", OTHER)
    year = bot.say("สรุปกิจกรรม", MANAGER)
    assert "รอบ 12 เดือน (1 ต.ค. 2569 – 30 ก.ย. 2570)" in year and "บันทึกทั้งหมด 4 ครั้ง" in year
    first_round = bot.say("สรุปกิจกรรม 2570 รอบ 6 เดือน", MANAGER)
    assert "รอบ 6 เดือน (1 ต.ค. 2569 – 31 มี.ค. 2570)" in first_round and "บันทึกทั้งหมด 3 ครั้ง" in first_round
    last_year = bot.say("สรุปกิจกรรม 2569", MANAGER)
    assert "ปีงบประมาณ 2569 รอบ 12 เดือน" in last_year and "บันทึกทั้งหมด 0 ครั้ง" in last_year
    assert "ยังไม่ถึงปีงบประมาณ 2575" in bot.say("สรุปกิจกรรม 2575", MANAGER)


# ----- export ----------------------------------------------------------------------------------

def test_export_csv_and_xlsx(bot: Bot, tmp_path: Path):
    use_clock(bot)
    raw, rows = export_csv(bot, tmp_path)
    assert raw.startswith("\ufeff".encode()) and len(rows) == 1  # the header alone
    header = rows[0]
    for column in ("วันที่", "ชื่อ-สกุล", "หน่วยงาน", "กิจกรรม", "รายการ", "หมายเหตุ", "บันทึกเมื่อ"):
        assert column in header, column
    register(bot, STAFF, unit="บส.", name="สมชาย ใจดี")
    bot.say("บันทึกกิจกรรม", STAFF)
    bot.say("To share is to care", STAFF)
    bot.say("บริจาคโลหิต", STAFF)
    bot.tap("act:date", STAFF, params={"date": "2026-10-15"})
    bot.say("ที่สภากาชาดไทย ชั้น 2", STAFF)
    bot.tap(action(bot, "ยืนยัน")["data"], STAFF)
    log_by_sentence(bot, "เมื่อวานเข้าอบรม No Gift Policy", STAFF)
    raw, rows = export_csv(bot, tmp_path)
    assert raw.startswith("\ufeff".encode()) and "สมชาย ใจดี".encode() in raw
    assert len(rows) == 3
    first = dict(zip(header, rows[1], strict=True))
    assert first["วันที่"] == "2026-10-15" and first["วันที่ (พ.ศ.)"] == "15 ต.ค. 2569"
    assert first["ชื่อ-สกุล"] == "สมชาย ใจดี" and first["หน่วยงาน"] == "บส."
    assert first["กิจกรรม"] == "จิตอาสาสร้างความสุขด้วยความดี [To share is to care]"
    assert first["รายการ"] == "กิจกรรมที่ 2 บริจาคโลหิต" and first["หมายเหตุ"] == "ที่สภากาชาดไทย ชั้น 2"
    assert first["บันทึกเมื่อ"].startswith("2026-11-24 10:")
    # A date range (inclusive); a Buddhist-era year is accepted.
    _raw, rows = export_csv(bot, tmp_path, "--from", "2569-11-01", "--to", "2026-11-30")
    assert [r[1] for r in rows[1:]] == ["23 พ.ย. 2569"]
    _raw, rows = export_csv(bot, tmp_path, "--to", "2026-10-31")
    assert [r[0] for r in rows[1:]] == ["2026-10-15"]
    bad = bot.app.test_cli_runner().invoke(args=["activities", "export", "--from", "yesterday"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output
    xlsx = tmp_path / "activities.xlsx"
    result = bot.app.test_cli_runner().invoke(args=["activities", "export", "--format", "xlsx", "-o", str(xlsx)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(xlsx).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == header and len(values) == 3 and values[1][2] == "สมชาย ใจดี"


# ----- import ----------------------------------------------------------------------------------

def test_plan_is_seeded_on_an_empty_database(bot: Bot):
    with bot.engine.sessions() as s:
        assert s.scalars(select(ActivityPlan.fiscal_year)).all() == [2567]


def test_import_validates_the_file(bot: Bot, tmp_path: Path):
    runner = bot.app.test_cli_runner()
    text = PLAN_FILE.read_text(encoding="utf-8")
    cases = {
        "fy2568.yaml": (text.replace("fiscal_year: 2567", "fiscal_year: 2568")
                        .replace("  - number: 2\n", "  - no: 2\n"), "number:"),
        "fy2569.yaml": (text.replace("fiscal_year: 2567", "fiscal_year: 2569").replace("    code: sufficiency\n", ""),
                        "'code'"),
        "fy2570.yaml": (text, "ไม่ตรงกับชื่อไฟล์"),
        "fy2571.yaml": (text.replace("fiscal_year: 2567", "fiscal_year: 2571")
                        .replace("short: บริจาคโลหิต", "short: บริจาคโลหิตกับสภากาชาดไทยที่ศูนย์ราชการ"), "20"),
        "fy2572.yaml": ("fiscal_year: [2572\n", "YAML"),
    }
    for name, (content, expected) in cases.items():
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        result = runner.invoke(args=["activities", "import", str(path)])
        assert result.exit_code == 1, name
        assert name in result.output and expected in result.output, (name, result.output)
    with bot.engine.sessions() as s:
        assert s.scalars(select(ActivityPlan.fiscal_year)).all() == [2567]


def test_import_adds_a_year_and_protects_recorded_items(bot: Bot, tmp_path: Path):
    use_clock(bot)
    register(bot, STAFF)
    runner = bot.app.test_cli_runner()
    new_year = tmp_path / "fy2570.yaml"
    shutil.copy(PLAN_FILE, new_year)
    new_year.write_text(new_year.read_text(encoding="utf-8").replace("fiscal_year: 2567", "fiscal_year: 2570")
                        .replace("short: ลงนามถวายพระพร", "short: ลงนามถวายพระพรชัย"), encoding="utf-8")
    result = runner.invoke(args=["activities", "import", str(new_year)])
    assert result.exit_code == 0 and "added fiscal year 2570: 6 activities, 13 items" in result.output
    log_by_sentence(bot, "วันนี้ร่วมลงนามถวายพระพร", STAFF)
    assert "ลงนามถวายพระพรชัย" in bot.say("กิจกรรมของฉัน", STAFF)  # this year's plan names the records
    # A file without an item that records point at is refused (unless --force).
    lacking = new_year.read_text(encoding="utf-8").replace(
        "      - number: 1\n        short: ลงนามถวายพระพรชัย", "      - number: 3\n        short: ลงนามถวายพระพรชัย")
    new_year.write_text(lacking, encoding="utf-8")
    refused = runner.invoke(args=["activities", "import", str(new_year)])
    assert refused.exit_code == 1 and "nation-religion-king" in refused.output
    assert runner.invoke(args=["activities", "import", str(new_year), "--force"]).exit_code == 0
    # Re-importing the original plan replaces the year's plan; records keep their codes and numbers.
    new_year.write_text(PLAN_FILE.read_text(encoding="utf-8").replace("fiscal_year: 2567", "fiscal_year: 2570"),
                        encoding="utf-8")
    again = runner.invoke(args=["activities", "import", str(new_year)])
    assert again.exit_code == 0 and "replaced fiscal year 2570" in again.output
    assert [(r.activity_code, r.item_no, r.day) for r in records(bot)] == \
        [("nation-religion-king", 1, date(2026, 11, 24))]
    assert count(bot, ActivityPlan) == 2 and count(bot, Participation) == 1
    with bot.engine.sessions() as s:
        assert s.scalar(select(User.full_name).where(User.line_user_id == STAFF))
