"""KPI status, indicator details, recording results and their history — through the webhook."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import func, select

from db.kpi import KpiChange, KpiResult
from tests.conftest import Bot
from tests.line_fake import postback_event, text_event, text_of

MANAGER = "U" + "2" * 32
STAFF = "U" + "3" * 32
STRANGER = "U" + "4" * 32


def register(bot: Bot, user: str, role: str, unit: str = "พส.") -> None:
    result = bot.app.test_cli_runner().invoke(
        args=["users", "add", user, "--name", f"ผู้ทดสอบ {role}", "--unit", unit, "--role", role])
    assert result.exit_code == 0, result.output


def quick_replies(bot: Bot) -> list[dict]:
    return bot.last_reply()["messages"][-1].get("quickReply", {}).get("items", [])


def confirm_data(bot: Bot) -> str:
    return next(i["action"]["data"] for i in quick_replies(bot) if i["action"]["label"] == "ยืนยัน")


def test_status_card_shows_every_indicator_and_the_total(bot: Bot):
    register(bot, STAFF, "staff")
    text = bot.say("สถานะ KPI", STAFF)
    assert "70.00 / 70" in text and "100.00%" in text
    flex = [m for m in bot.last_reply()["messages"] if m["type"] == "flex"]
    assert flex and flex[0]["altText"].startswith("สถานะ KPI")
    assert "ประเมินเฉพาะรอบ 12 เดือน" in text  # Potential Base is not shown as zeros
    for variant in ("ขอดูตัวชี้วัด", "kpi เป็นยังไงบ้าง"):
        assert "70.00 / 70" in bot.say(variant, STAFF)


def test_status_per_unit(bot: Bot):
    register(bot, STAFF, "staff")
    text = bot.say("ตัวชี้วัดของ บส.", STAFF)
    assert "ตัวชี้วัดของ บส." in text and "4." in text and "5." in text and "1. " not in text


def test_indicator_detail(bot: Bot):
    register(bot, STAFF, "staff")
    text = bot.say("ตัวชี้วัดที่ 3", STAFF)
    for phrase in ("จำนวนการให้บริการข้อมูลสถิติภาครัฐแก่ทุกภาคส่วน", "ร้อยละ 5", "พท.", "758,574", "1,377,604",
                   "1,996,633", "2,028,405", "100.00 คะแนน", "ถึงเป้าหมายขั้นสูง"):
        assert phrase in text, phrase
    potential = bot.say("ตัวชี้วัดที่ 10", STAFF)
    assert "ศท." in potential and "12 เดือน" in potential
    assert "ไม่มีตัวชี้วัดที่ 13" in bot.say("ตัวชี้วัดที่ 13", STAFF)


def test_strangers_see_definitions_but_no_results(bot: Bot):
    text = bot.say("ตัวชี้วัดที่ 3", STRANGER)
    assert "758,574" in text and "2,028,405" not in text and "ลงทะเบียน" in text
    assert "ลงทะเบียน" in bot.say("สถานะ KPI", STRANGER)


def test_manager_records_a_result_after_confirming(bot: Bot):
    register(bot, MANAGER, "manager")
    proposal = bot.say("บันทึกผล ตัวชี้วัดที่ 3 1,687,118.5", MANAGER)
    assert "100.00 คะแนน" in proposal and "87.50 คะแนน" in proposal
    with bot.engine.sessions() as s:
        assert s.scalar(select(func.count()).select_from(KpiChange)) == 0  # nothing stored before confirming
    data = confirm_data(bot)
    receipt = bot.tap(data, MANAGER)
    assert "บันทึกเรียบร้อย" in receipt and "87.50" in receipt and "69.375 / 70" in receipt and "99.11%" in receipt
    # A double tap (or a redelivered postback) stores nothing more.
    assert "ไว้แล้ว" in bot.tap(data, MANAGER)
    duplicate = postback_event(data, MANAGER)
    bot.post(duplicate)
    bot.post(duplicate)
    bot.engine.drain()
    with bot.engine.sessions() as s:
        assert s.scalar(select(func.count()).select_from(KpiChange)) == 1
    # Indicator 5 to its minimum (Thai digits and the unit word allowed).
    bot.say("บันทึกผล ตัวชี้วัดที่ 5 ๓ รายการ", MANAGER)
    receipt = bot.tap(confirm_data(bot), MANAGER)
    assert "50.00" in receipt and "64.375 / 70" in receipt and "91.96%" in receipt
    history = bot.say("ประวัติ ตัวชี้วัดที่ 3", MANAGER)
    assert "2,028,405 → 1,687,118.5" in history and "100.00 → 87.50" in history


def test_stale_confirmation_is_refused(bot: Bot):
    register(bot, MANAGER, "manager")
    bot.say("บันทึกผล ตัวชี้วัดที่ 1 2", MANAGER)
    first = confirm_data(bot)
    bot.say("บันทึกผล ตัวชี้วัดที่ 1 1", MANAGER)
    second = confirm_data(bot)
    assert "บันทึกเรียบร้อย" in bot.tap(second, MANAGER)
    assert "ถูกแก้ไขไปก่อนแล้ว" in bot.tap(first, MANAGER)


def test_cancel_stores_nothing(bot: Bot):
    register(bot, MANAGER, "manager")
    bot.say("บันทึกผล ตัวชี้วัดที่ 2 1", MANAGER)
    assert "ยกเลิก" in bot.tap("kpi:cancel", MANAGER)
    assert "3 (ผลผลิต)" in bot.say("ตัวชี้วัดที่ 2", MANAGER)


def test_staff_cannot_change_results_and_bad_values_store_nothing(bot: Bot):
    register(bot, STAFF, "staff")
    register(bot, MANAGER, "manager")
    assert "เฉพาะผู้บริหาร" in bot.say("บันทึกผล ตัวชี้วัดที่ 3 5", STAFF)
    assert "ลงทะเบียน" in bot.say("บันทึกผล ตัวชี้วัดที่ 3 5", STRANGER)
    forged = postback_event("kpi:set|2567|6|3|5|2028405", STAFF)
    bot.post(forged)
    bot.engine.drain()
    assert "เฉพาะผู้บริหาร" in text_of(bot.line.reply_for(forged["replyToken"]))
    for bad in ("บันทึกผล ตัวชี้วัดที่ 3 -5", "บันทึกผล ตัวชี้วัดที่ 3 เยอะมาก", "บันทึกผล ตัวชี้วัดที่ 3",
                "บันทึกผล ตัวชี้วัดที่ 99 5", "บันทึกผล ตัวชี้วัดที่ 9 5"):
        answer = bot.say(bad, MANAGER)
        assert answer and "บันทึกเรียบร้อย" not in answer
    for junk in ("kpi:set|x|y|z|1|2", "kpi:set|2567|6|3|NaN|", "kpi:set|2567|6|77|1|"):
        bot.tap(junk, MANAGER)
    with bot.engine.sessions() as s:
        assert s.scalar(select(func.count()).select_from(KpiChange)) == 0
        assert s.scalar(select(KpiResult.result).where(KpiResult.indicator_no == 3)) == 2028405


def test_export_csv_and_import(bot: Bot, tmp_path):
    runner = bot.app.test_cli_runner()
    out = tmp_path / "kpi.csv"
    result = runner.invoke(args=["kpi", "export", "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "ปีงบประมาณ" and len(rows) == 1 + 12 * 2
    xlsx = tmp_path / "kpi.xlsx"
    assert runner.invoke(args=["kpi", "export", "--format", "xlsx", "-o", str(xlsx)]).exit_code == 0
    from openpyxl import load_workbook

    assert load_workbook(xlsx).active.max_row == 25
    bad = tmp_path / "fy2568.yaml"
    bad.write_text("fiscal_year: 2568\ntitle: x\n", encoding="utf-8")
    result = runner.invoke(args=["kpi", "import", str(bad)])
    assert result.exit_code == 1 and "fy2568.yaml" in result.output


def test_kpi_question_in_free_text_reaches_the_indicator(bot: Bot):
    register(bot, STAFF, "staff")
    text = bot.say("ตัวชี้วัดทีสาม", STAFF)
    assert "จำนวนการให้บริการข้อมูลสถิติภาครัฐ" in text


def test_group_chat_kpi_needs_mention(bot: Bot):
    register(bot, STAFF, "staff")
    event = text_event("สถานะ KPI", STAFF, chat="group")
    bot.post(event)
    bot.engine.drain()
    assert bot.line.reply_for(event["replyToken"]) is None


def test_a_new_import_is_what_the_next_question_sees(bot: Bot, tmp_path):
    """Parsed catalogues are kept per process, keyed by their import: a re-import replaces them at once."""
    register(bot, STAFF, "staff")
    assert "จำนวนการให้บริการข้อมูลสถิติภาครัฐ" in bot.say("ตัวชี้วัดที่ 3", STAFF)
    source = Path(bot.app.config["BOT_SETTINGS"].knowledge_dir) / "indicators" / "fy2567.yaml"
    changed = tmp_path / "fy2567.yaml"
    changed.write_text(source.read_text(encoding="utf-8").replace(
        "จำนวนการให้บริการข้อมูลสถิติภาครัฐ", "จำนวนบริการข้อมูลสถิติ (แก้ไขแล้ว)"), encoding="utf-8")
    result = bot.app.test_cli_runner().invoke(args=["kpi", "import", str(changed)])
    assert result.exit_code == 0, result.output
    assert "จำนวนบริการข้อมูลสถิติ (แก้ไขแล้ว)" in bot.say("ตัวชี้วัดที่ 3", STAFF)


def test_a_round_view_is_read_once_per_transaction_and_never_older_than_what_it_wrote(bot: Bot):
    """A batch of status questions shares one reading of the round (``kpi_store._views``); a result recorded in the
    same transaction is in every view read after it, and the next transaction reads afresh."""
    from decimal import Decimal

    from sqlalchemy import event

    from db import kpi_store
    from db.session import transaction

    statements: list[str] = []
    engine = bot.engine.db

    def seen(_conn, _cursor, sql, *_rest) -> None:  # type: ignore[no-untyped-def]
        statements.append(sql)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        with transaction(bot.engine.sessions) as s:
            first = kpi_store.round_view(s)
            assert first is not None
            read = len(statements)
            assert kpi_store.round_view(s) is first and len(statements) == read
            scored = next(i for i in first.scored if i.number in first.results)
            old = first.results[scored.number].result
            new = Decimal(old) + Decimal("1.5")
            assert kpi_store.record_result(s, year=first.catalogue.fiscal_year, months=first.months,
                                           number=scored.number, expected_old=Decimal(old), new=new,
                                           actor=MANAGER, actor_name="ผู้ทดสอบ") == "saved"
            after = kpi_store.round_view(s)
            assert after is not first and Decimal(after.results[scored.number].result) == new
        with transaction(bot.engine.sessions) as s:
            again = kpi_store.round_view(s)
            assert again is not after and Decimal(again.results[scored.number].result) == new
            assert kpi_store.round_view(s) is again
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def test_status_card_shows_short_names_whole_and_the_detail_card_the_full_name(bot: Bot):
    """Names are never cut mid-word ("…ภาคร…"): each indicator has a short name in the catalogue."""
    register(bot, STAFF, "staff")
    text = bot.say("สถานะ KPI", STAFF)
    assert "1. Government Data Catalog" in text and "6. Digital Survey" in text
    assert "…" not in text and "จำนวนชุดข้อมูลที่ลงทะเบียนในระบบบัญชีข้อมูลภาคร" not in text
    detail = bot.say("ตัวชี้วัดที่ 1", STAFF)
    assert "จำนวนชุดข้อมูลที่ลงทะเบียนในระบบบัญชีข้อมูลภาครัฐ [Government Data Catalog]" in detail


def test_a_short_name_too_long_for_the_card_is_refused_with_where(tmp_path: Path):
    import pytest

    from knowledge.indicators import CatalogueError, load_catalogue

    source = (Path(__file__).resolve().parent.parent / "knowledge" / "indicators" / "fy2567.yaml").read_text("utf-8")
    bad = tmp_path / "fy2567.yaml"
    bad.write_text(source.replace("short: Digital Survey", "short: " + "ก" * 29), encoding="utf-8")
    with pytest.raises(CatalogueError, match="short"):
        load_catalogue(bad)


def test_a_year_without_indicators_is_said_so_and_the_card_names_indicators_not_yet_assessed(bot: Bot):
    """"ตัวชี้วัดที่ 5 ปี 2566" is not answered with the 2567 figures; a round that does not assess a component
    still names its indicators (a manager asks which they are)."""
    register(bot, STAFF, "staff")
    for question in ("ตัวชี้วัดที่ 5 ปี 2566 ได้กี่รายการ", "ตัวชี้วัดปีงบ 2568 มีอะไรบ้าง", "สถานะ kpi ปี 66"):
        text = bot.say(question, STAFF)
        assert "ไม่มีข้อมูลตัวชี้วัดของปีงบประมาณ 25" in text and "7 รายการ" not in text, question
    assert "70.00 / 70" in bot.say("สถานะ kpi ปี 67", STAFF)
    card = bot.say("สถานะ KPI", STAFF)
    assert "ประเมินเฉพาะรอบ 12 เดือน" in card and "GGGR" in card and "IMD" in card
