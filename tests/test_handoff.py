"""People in the loop, in LINE: a question the bot cannot answer goes to the content owners, one of them
answers, the asker gets the answer by push, and a kept answer answers the same and similar questions."""

from __future__ import annotations

from sqlalchemy import select

from db.backoffice import KeptAnswer
from db.models import AuditLog, Unanswered
from tests.conftest import Bot
from tests.line_fake import text_of
from tests.test_activities_support import ADMIN, STAFF, STRANGER, labels, register, use_clock
from tests.test_registration import postbacks_in, pushes_to

EDITOR = "U" + "e" * 32
UNKNOWN = "ห้องประชุมชั้น 5 จองผ่านระบบไหนคะ"
ANSWER = "จองห้องประชุมชั้น 5 ผ่านระบบ e-Booking ของ สสช. ได้ที่หน้าอินทราเน็ต เมนูบริการ ค่ะ"


def _forwarded_card(bot: Bot, to: str) -> dict:
    cards = [p for p in pushes_to(bot, to) if "คำถามถึงเจ้าหน้าที่" in text_of(p)]
    assert cards, f"no forwarded question pushed to {to}"
    return cards[-1]


def _answer_in_line(bot: Bot, owner: str, data: str, text: str, how: str) -> str:
    assert "พิมพ์คำตอบ" in bot.tap(data, owner)
    preview = bot.say(text, owner)
    assert text in preview and "ส่ง+บันทึกเป็นคำตอบ" in labels(bot) and "ส่งอย่างเดียว" in labels(bot)
    qid = data.split("|")[1]
    return bot.tap(f"ho:send|{qid}|{how}", owner)


def test_an_unsure_answer_is_forwarded_answered_kept_and_then_answers_others(bot: Bot):
    use_clock(bot)
    register(bot, EDITOR, role="editor", name="สมศรี ดูแลเนื้อหา", unit="กพร.")
    register(bot, STAFF, name="สมชาย ใจดี", unit="สค.")
    unsure = bot.say(UNKNOWN, STAFF)
    assert "ไม่แน่ใจ" in unsure and "ส่งต่อให้เจ้าหน้าที่" in labels(bot)
    forwarded = bot.say("ส่งต่อให้เจ้าหน้าที่", STAFF)
    assert "ส่งต่อให้เจ้าหน้าที่แล้ว" in forwarded and "0 2141 7290" in forwarded
    assert "adgnso.th@nso.mail.go.th" in forwarded and UNKNOWN in forwarded
    card = _forwarded_card(bot, EDITOR)
    shown = text_of(card)
    assert UNKNOWN in shown and "สมชาย ใจดี (สค.)" in shown and "พ.ย. 2569" in shown
    _forwarded_card(bot, ADMIN)  # admins are content owners too
    [answer_button] = [d for d in postbacks_in(card) if d.startswith("ho:ans|")]

    sent = _answer_in_line(bot, EDITOR, answer_button, ANSWER, "keep")
    assert "ส่งคำตอบถึงผู้ถามแล้ว" in sent and "บันทึกเป็นคำตอบ" in sent
    to_asker = [p for p in bot.line.pushes() if p["body"]["to"] == STAFF]
    assert len(to_asker) == 1 and to_asker[0]["headers"].get("X-Line-Retry-Key")
    assert ANSWER in text_of(to_asker[0]["body"]) and "สมศรี ดูแลเนื้อหา" in text_of(to_asker[0]["body"])

    # A second owner answering the same question answers nothing.
    late = bot.tap(answer_button, ADMIN)
    assert "มีผู้ตอบแล้ว" in late and "สมศรี ดูแลเนื้อหา" in late
    assert len([p for p in bot.line.pushes() if p["body"]["to"] == STAFF]) == 1

    # The kept answer answers the same question, and a similar one, from now on, naming who wrote it.
    for question in (UNKNOWN, "จองห้องประชุมชั้น 5 ยังไง"):
        again = bot.say(question, STRANGER)
        assert "e-Booking" in again and "สมศรี ดูแลเนื้อหา" in again, question
    with bot.engine.sessions() as s:
        kept = s.scalars(select(KeptAnswer)).all()
        row = s.scalars(select(Unanswered).where(Unanswered.text == UNKNOWN)).one()
        actions = set(s.scalars(select(AuditLog.action)))
    assert [k.author for k in kept] == [EDITOR] and row.review_status == "answered" and row.kept_answer_id == kept[0].id
    assert {"kb.keep", "handoff.answer"} <= actions


def test_two_owners_answering_at_once_answer_once(bot: Bot):
    use_clock(bot)
    register(bot, EDITOR, role="editor", name="สมศรี ดูแลเนื้อหา")
    bot.say(UNKNOWN, STAFF)
    bot.say("ขอคุยกับเจ้าหน้าที่", STAFF)
    [data] = [d for d in postbacks_in(_forwarded_card(bot, EDITOR)) if d.startswith("ho:ans|")]
    qid = data.split("|")[1]
    # Both open the answer and type it before either sends.
    for owner, text in ((EDITOR, "คำตอบของบรรณาธิการ"), (ADMIN, "คำตอบของผู้ดูแลระบบ")):
        bot.tap(data, owner)
        bot.say(text, owner)
    first = bot.tap(f"ho:send|{qid}|only", ADMIN)
    second = bot.tap(f"ho:send|{qid}|keep", EDITOR)
    assert "ส่งคำตอบถึงผู้ถามแล้ว" in first and "มีผู้ตอบแล้ว" in second
    to_asker = [text_of(p["body"]) for p in bot.line.pushes() if p["body"]["to"] == STAFF]
    assert len(to_asker) == 1 and "คำตอบของผู้ดูแลระบบ" in to_asker[0]
    with bot.engine.sessions() as s:
        assert s.scalars(select(KeptAnswer)).all() == []  # "send only" keeps nothing; the late "keep" did not run


def test_asking_for_staff_without_a_recent_question_takes_the_next_message(bot: Bot):
    use_clock(bot)
    register(bot, EDITOR, role="editor")
    assert "พิมพ์คำถาม" in bot.say("ขอคุยกับเจ้าหน้าที่", STRANGER)
    reply = bot.say("ขอแบบฟอร์มลาพักผ่อนได้ที่ไหน", STRANGER)
    assert "ส่งต่อให้เจ้าหน้าที่แล้ว" in reply
    card = text_of(_forwarded_card(bot, EDITOR))
    assert "ขอแบบฟอร์มลาพักผ่อนได้ที่ไหน" in card and "ผู้ใช้ที่ยังไม่ลงทะเบียน" in card


def test_staff_cannot_answer_and_an_erased_asker_cannot_be_answered(bot: Bot):
    use_clock(bot)
    register(bot, EDITOR, role="editor")
    register(bot, STAFF)
    bot.say(UNKNOWN, STRANGER)
    bot.say("ถามเจ้าหน้าที่", STRANGER)
    [data] = [d for d in postbacks_in(_forwarded_card(bot, EDITOR)) if d.startswith("ho:ans|")]
    assert "เฉพาะผู้ดูแลเนื้อหา" in bot.tap(data, STAFF)
    assert "ลบข้อมูล" in bot.say("ลบข้อมูลของฉัน", STRANGER)
    bot.tap(postbacks_in(bot.last_reply())[0], STRANGER)  # ยืนยันลบข้อมูล
    with bot.engine.sessions() as s:
        assert s.scalars(select(Unanswered.text)).all() == [""]  # the forwarded question, erased
    assert "ไม่พบคำถามนี้แล้ว" in bot.tap(data, EDITOR)


def _forwarded_question(bot: Bot) -> int:
    bot.say(UNKNOWN, STAFF)
    bot.say("ขอคุยกับเจ้าหน้าที่", STAFF)
    with bot.engine.sessions() as s:
        return s.scalar(select(Unanswered.id).where(Unanswered.review_status == "forwarded"))


def test_two_owners_answering_in_the_same_instant_record_one_answer(bot: Bot):
    """Two transactions at once (threads, each its own connection): one UPDATE wins, the other sees it answered."""
    import threading
    from datetime import UTC, datetime

    from db import handoff_store
    from db.models import User
    from db.session import transaction

    register(bot, EDITOR, role="editor")
    qid = _forwarded_question(bot)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def answer(owner: str) -> None:
        start.wait()
        with transaction(bot.engine.sessions) as s:
            me = s.scalar(select(User).where(User.line_user_id == owner))
            outcomes.append(handoff_store.answer(s, qid, by=me, text=f"คำตอบจาก {owner}", keep=True,
                                                 now=datetime.now(UTC)).outcome)

    bot.say("สวัสดี", ADMIN)  # the configured admin gets a users row
    threads = [threading.Thread(target=answer, args=(o,)) for o in (EDITOR, ADMIN)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["already", "answered"]
    with bot.engine.sessions() as s:
        assert len(s.scalars(select(KeptAnswer)).all()) == 1


def test_another_process_sees_a_kept_answer_within_the_check_interval(bot: Bot):
    """Processes share kept answers only through the database: the version is read at most every few seconds."""
    import time
    from datetime import UTC, datetime

    from db import kept_store
    from db.session import transaction

    refresher = bot.engine.refresh_knowledge
    refresher.every = 0.5
    assert "ไม่แน่ใจ" in bot.say(UNKNOWN, STRANGER)
    with transaction(bot.engine.sessions) as s:
        kept_store.keep(s, question=UNKNOWN, answer="ใช้ระบบ e-Booking ค่ะ", author=EDITOR, author_name="สมศรี",
                        now=datetime.now(UTC))
    refresher._local = kept_store._local_changes  # as if written by another process: nothing told this one
    refresher._checked = time.monotonic()
    assert "ไม่แน่ใจ" in bot.say(UNKNOWN, STRANGER)  # not looked at yet
    time.sleep(0.6)
    assert "e-Booking" in bot.say(UNKNOWN, STRANGER)


def test_kept_answers_are_in_kb_check_and_kb_export(bot: Bot, tmp_path):
    from datetime import UTC, datetime

    from db import kept_store
    from db.session import transaction

    runner = bot.app.test_cli_runner()
    before = runner.invoke(args=["kb", "check"]).output
    with transaction(bot.engine.sessions) as s:
        kept_store.keep(s, question=UNKNOWN, answer="ใช้ระบบ e-Booking ค่ะ", author=EDITOR, author_name="สมศรี",
                        now=datetime.now(UTC))
    after = runner.invoke(args=["kb", "check"]).output
    count = lambda out: int(out.split("OK: ", 1)[1].split(" ", 1)[0])  # noqa: E731
    assert count(after) == count(before) + 1 and "คำตอบจากเจ้าหน้าที่ 1" in after
    out = tmp_path / "kb.csv"
    assert runner.invoke(args=["kb", "export", "-o", str(out)]).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "kept-1" in text and "e-Booking" in text and "หมวด 1" in text


def test_erasure_removes_an_editors_name_from_their_kept_answers_and_links(bot: Bot):
    from db.backoffice import LoginLink

    use_clock(bot)
    register(bot, EDITOR, role="editor", name="สมศรี ดูแลเนื้อหา")
    qid = _forwarded_question(bot)
    _answer_in_line(bot, EDITOR, f"ho:ans|{qid}", ANSWER, "keep")
    bot.say("เว็บผู้ดูแล", EDITOR)
    bot.say("ลบข้อมูลของฉัน", EDITOR)
    bot.tap(postbacks_in(bot.last_reply())[0], EDITOR)
    with bot.engine.sessions() as s:
        kept = s.scalars(select(KeptAnswer)).one()
        assert (kept.author, kept.author_name) == ("", "เจ้าหน้าที่") and s.scalars(select(LoginLink)).all() == []
        assert s.scalar(select(Unanswered.answered_by).where(Unanswered.id == qid)) == ""
    again = bot.say(UNKNOWN, STRANGER)
    assert "e-Booking" in again and "สมศรี" not in again
