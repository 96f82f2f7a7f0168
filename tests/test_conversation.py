"""Conversation quality: small talk, follow-ups, answers from the source's passages, and saying what the
source does not say. Pure parts with examples and properties; the whole through the webhook and fake LINE."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from core.config import PROJECT_ROOT
from knowledge.answerability import constraints_of, unmet
from knowledge.followup import Topic, follow_up, load_followup_words
from knowledge.passages import Issue, load_sources, split_source
from knowledge.search import load_knowledge_base, query_tokens
from knowledge.smalltalk import load_smalltalk
from tests.conftest import Bot
from tests.line_fake import text_event, text_of

KNOWLEDGE = PROJECT_ROOT / "knowledge"
KB = load_knowledge_base(KNOWLEDGE)
TALK = load_smalltalk(KNOWLEDGE / "conversation" / "smalltalk.yaml")
WORDS = load_followup_words(KNOWLEDGE / "conversation" / "followups.yaml")
STAFF = "U" + "5" * 32


# ----- small talk ----------------------------------------------------------------------------------
def test_greetings_thanks_and_manners_are_small_talk_not_topics():
    expected = {"สวัสดีครับ": "greeting", "ขอบคุณครับ": "thanks", "ขอบคุณมากๆนะคะ 🙏": "thanks",
                "น้องบอทเป็นใคร": "identity", "โอเคค่ะ": "acknowledge", "ขอคุยกับเจ้าหน้าที่": "human",
                "ตอบไม่ตรงเลย": "complaint", "เก่งมากค่ะ": "praise", "ทำอะไรได้บ้าง": "abilities", "ค่ะ": "acknowledge"}
    for text, intent in expected.items():
        found = TALK.match(text)
        assert found is not None and found.id == intent, text


def test_a_question_after_a_greeting_is_not_small_talk():
    for text in ("สวัสดีค่ะ หมวด 3 คืออะไร", "ขอบคุณค่ะ แล้วประเด็น 4.2 ล่ะ", "ok แล้ว ADR คืออะไร", "หมวด 3"):
        assert TALK.match(text) is None, text


@given(st.sampled_from(sorted(p for i in TALK.intents for p in i.phrases)),
       st.sampled_from(["", "ครับ", "ค่ะ", "นะคะ", " 🙏", "!!", " จ้า", "ๆ"]))
def test_a_known_phrase_keeps_its_intent_whatever_ending_it_has(phrase: str, ending: str):
    intent = TALK.match(phrase)
    assert intent is not None
    again = TALK.match(phrase + ending)
    assert again is not None and again.id == intent.id


@given(st.text(max_size=300))
def test_small_talk_matching_never_fails(text: str):
    TALK.match(text)


# ----- follow-ups ----------------------------------------------------------------------------------
def _follow(text: str, topic: Topic) -> str | None:
    from thai import prepare

    prepared = prepare(text)
    own, _ = KB.resolve_ref(prepared)
    found = follow_up(prepared, query_tokens(prepared), topic, WORDS, own is not None)
    return found.question if found else None


def test_elliptical_follow_ups_are_rewritten_against_the_topic():
    praden = Topic("praden-4.2", "praden", "ประเด็น 4.2", 4, "4.2")
    assert _follow("แล้วระดับ advance ล่ะ", praden) == "ประเด็น 4.2 ระดับ advance"
    hmuad = Topic("hmuad-3", "hmuad", "หมวด 3", 3)
    assert _follow("ข้อ 2 ล่ะ", hmuad) == "ประเด็น 3.2"
    clinic = Topic("clinic-hmuad-2", "clinic", "คลินิกหมวด 2", 2)
    assert _follow("แล้วหมวด 5 ล่ะ", clinic) == "คลินิกหมวด 5"
    assert _follow("ห้องไหน", clinic) == "คลินิกหมวด 2 ห้องไหน"
    assert _follow("ที่ไหน", clinic) == "คลินิกหมวด 2 ที่ไหน"  # nothing but a question word
    assert "หมวด 6" in (_follow("คณะทำงานหมวดนี้ประชุมวันไหน", Topic("hmuad-6", "hmuad", "หมวด 6", 6)) or "")


def test_a_self_contained_question_is_not_a_follow_up():
    praden = Topic("praden-4.2", "praden", "ประเด็น 4.2", 4, "4.2")
    for text in ("หมวด 3 คืออะไร", "ADR คืออะไร", "ตารางคลินิก PMQA", "ตัวชี้วัดที่ 5 น้ำหนักเท่าไหร่"):
        assert _follow(text, praden) is None, text


# ----- passages ------------------------------------------------------------------------------------
NEWSLETTER = """สารประชาสัมพันธ์ ฉบับที่ 3/2568

01

การประชุมทดสอบ ครั้งที่ 1/2568

การประชุมทดสอบ ครั้งที่ 1/2568

วันที่ 5 มกราคม 2568 ณ ห้องประชุม 501 ชั้น 5 คณะทำงานได้หารือเรื่องการทดสอบระบบและการจัดทำคู่มือการใช้งานให้ครบถ้วน

ตัวชี้วัด\tน้ำหนัก\tหน่วยงาน
ตัวชี้วัดที่ 1 จำนวนผู้ใช้งาน\tร้อยละ 20\tศย.
"""


def test_a_newsletter_is_cut_into_passages_with_their_section_issue_and_table_headers():
    issue = Issue(3, 2568, "x.txt")
    passages = split_source(NEWSLETTER, issue)
    row = next(p for p in passages if "จำนวนผู้ใช้งาน" in p.text)
    assert "น้ำหนัก: ร้อยละ 20" in row.text and "หน่วยงาน: ศย." in row.text
    assert row.section == "การประชุมทดสอบ ครั้งที่ 1/2568"
    assert "ฉบับที่ 3/2568" in row.citation()


def test_a_newer_issue_dropped_in_the_folder_is_answerable_and_listed_first(tmp_path):
    (tmp_path / "a.txt").write_text((KNOWLEDGE / "sources" / "newsletter-2567-2.txt").read_text(encoding="utf-8"),
                                    encoding="utf-8")
    (tmp_path / "b.txt").write_text(NEWSLETTER, encoding="utf-8")
    passages = load_sources(tmp_path)
    assert passages[0].issue.label == "ฉบับที่ 3/2568"
    assert [p.id for p in passages] == list(range(len(passages)))


def test_a_fact_told_again_in_a_newer_issue_is_answered_from_the_newer_one(tmp_path):
    from knowledge.passages import PassageIndex

    old = NEWSLETTER.replace("ร้อยละ 20", "ร้อยละ 15").replace("3/2568", "2/2568")
    (tmp_path / "old.txt").write_text(old, encoding="utf-8")
    (tmp_path / "new.txt").write_text(NEWSLETTER, encoding="utf-8")
    index = PassageIndex(load_sources(tmp_path), query_tokens)
    best = index.rank(query_tokens("ตัวชี้วัดที่ 1 จำนวนผู้ใช้งาน น้ำหนัก"))[0]
    assert best.passage.issue.label == "ฉบับที่ 3/2568" and "ร้อยละ 20" in best.passage.text


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet="กขคงจฉ ab1\t", min_size=0, max_size=400), max_size=12))
def test_cutting_keeps_every_word_and_no_passage_is_far_over_the_limit(lines: list[str]):
    text = "\n\n".join(lines)
    passages = split_source(text, Issue(1, 2567, "t.txt"))
    joined = " ".join(f"{p.heading} {p.text}" for p in passages)
    for word in text.replace("\t", " ").split():
        if len(word) >= 8 and any(ch.isalpha() for ch in word):  # a page number alone is dropped
            assert word in joined
    assert all(len(p.text) <= 400 + 60 for p in passages)


# ----- answerability -------------------------------------------------------------------------------
def test_constraints_the_answer_must_meet():
    c = constraints_of("คะแนน pmqa ของ สสช ปี 2566", KB.knows_word, 2567)
    assert c.years == {2566} and unmet(c, "เป้าหมาย ปีงบประมาณ 2567") == "ข้อมูลของปี 2566"
    c = constraints_of("ผลประเมิน ita ปี 67", KB.knows_word, 2567)
    assert c.unknown_names == ("ita",)
    c = constraints_of("สารประชาสัมพันธ์ฉบับที่ 3/2567 มีเรื่องอะไร", KB.knows_word, 2567)
    assert unmet(c, "ฉบับที่ 2/2567") and not unmet(c, "ฉบับที่ 3/2567")
    c = constraints_of("คลินิกหมวด 2 ห้องไหน", KB.knows_word, 2567)
    assert c.asked == "room" and not unmet(c, "ณ ห้องประชุม 301 ชั้น 3")
    c = constraints_of("ได้รางวัลปีที่แล้วกี่รางวัล", KB.knows_word, 2567)
    assert 2566 in c.years
    c = constraints_of("งบประมาณโครงการเท่าไหร่", KB.knows_word, 2567)
    assert c.unit == "บาท" and unmet(c, "ผลการดำเนินงาน 7 รายการ") and not unmet(c, "งบประมาณ 50,000 บาท")
    c = constraints_of("ใครเป็นประธานประชุม", KB.knows_word, 2567)
    assert c.asked == "person" and unmet(c, "ส่วนราชการต้องกำหนดตัววัด") and not unmet(c, "โดย ดร. ปิยนุช เป็นประธาน")


def test_unknown_names_are_only_words_the_source_never_uses():
    for word in ("pmqa", "adr", "kpi", "digital", "survey", "basic", "advance"):
        assert KB.knows_word(word), word


# ----- through LINE --------------------------------------------------------------------------------
def _say(bot: Bot, text: str, user: str = STAFF, chat: str = "user", chat_id: str = "") -> str:
    event = text_event(text, user, chat=chat, mention_self=chat != "user")
    if chat_id:
        event["source"]["groupId"] = chat_id
    assert bot.post(event).status_code == 200
    bot.engine.drain()
    reply = bot.line.reply_for(event["replyToken"])
    return text_of(reply) if reply else ""


def test_follow_ups_in_a_conversation(sqlite_bot: Bot):
    assert "Basic" in _say(sqlite_bot, "ประเด็น 4.2 คืออะไร")
    advance = _say(sqlite_bot, "แล้วระดับ advance ล่ะ")
    assert "ประเด็น 4.2" in advance and "Advance" in advance
    assert "ยินดี" in _say(sqlite_bot, "ขอบคุณครับ")
    _say(sqlite_bot, "หมวด 3 มีประเด็นอะไรบ้าง")
    assert "ประเด็น 3.2" in _say(sqlite_bot, "ข้อ 2 ล่ะ")
    _say(sqlite_bot, "หมวด 6")
    meeting = _say(sqlite_bot, "คณะทำงานหมวดนี้ประชุมวันไหน")
    assert "28 พฤษภาคม 2567" in meeting and "24 พฤษภาคม" not in meeting


def test_context_is_per_person_and_per_chat(sqlite_bot: Bot):
    other = "U" + "6" * 32
    _say(sqlite_bot, "ประเด็น 4.2 คืออะไร", STAFF, chat="group", chat_id="Cone")
    _say(sqlite_bot, "ประเด็น 3.1 คืออะไร", STAFF)
    _say(sqlite_bot, "ประเด็น 5.4 คืออะไร", other, chat="group", chat_id="Cone")
    in_group = _say(sqlite_bot, "แล้วระดับ advance ล่ะ", STAFF, chat="group", chat_id="Cone")
    assert "ประเด็น 4.2" in in_group
    assert "ประเด็น 3.1" in _say(sqlite_bot, "แล้วระดับ advance ล่ะ", STAFF)


def test_small_talk_never_opens_a_topic_and_thanks_are_not_an_activity(sqlite_bot: Bot):
    for text in ("สวัสดีครับ", "ขอบคุณครับ", "โอเคค่ะ", "น้องบอทเป็นใคร"):
        answer = _say(sqlite_bot, text)
        assert answer and "ไม่แน่ใจ" not in answer and "Hall of Fame" not in answer, (text, answer)
    assert "0 2141 7290" in _say(sqlite_bot, "ขอคุยกับเจ้าหน้าที่")


def test_what_the_source_does_not_say_is_said_honestly(sqlite_bot: Bot):
    for text in ("ผลประเมิน ITA ของ สสช ปี 67", "คะแนน pmqa ของ สสช ปี 2566", "สารประชาสัมพันธ์ฉบับที่ 3/2567 มีเรื่องอะไร"):
        assert "เอกสารไม่ได้ระบุ" in _say(sqlite_bot, text), text
    assert "7 หมวด" in _say(sqlite_bot, "หมวด 8")


def test_a_narrow_fact_is_answered_from_its_passage_with_the_issue_cited(sqlite_bot: Bot):
    answer = _say(sqlite_bot, "หมวด 6 แบ่งกิจกรรมปรับปรุงประสิทธิภาพเป็นกี่ประเภท")
    assert "ฉบับที่ 2/2567" in answer and "ไม่สร้างคุณค่า" in answer


def test_topics_are_erased_with_the_person(sqlite_bot: Bot):
    from db.models import TopicMemory
    from db.session import transaction

    _say(sqlite_bot, "ประเด็น 4.2 คืออะไร")
    with transaction(sqlite_bot.engine.sessions) as session:
        from handlers import erase_person as forget_person

        assert session.scalars(select(TopicMemory).where(TopicMemory.line_user_id == STAFF)).all()
        forget_person(session, STAFF)
    with transaction(sqlite_bot.engine.sessions) as session:
        assert not session.scalars(select(TopicMemory).where(TopicMemory.line_user_id == STAFF)).all()


def test_a_message_of_lines_maximum_length_costs_about_what_a_question_costs():
    """Not a timing assertion on a shared machine: the long text is cut before understanding (at a space), so
    the work is bounded by the cut, and the question at its head is still answered."""
    from handlers.pmqa import UNDERSTOOD_CHARS, understood_part

    long_text = "หมวด 3 คืออะไร " + "ก" * 5000
    assert len(understood_part(long_text)) <= UNDERSTOOD_CHARS
    spaced = "หมวด 3 คืออะไร " + " ".join(["ข้อความยาว"] * 800)
    head = understood_part(spaced)
    assert len(head) <= UNDERSTOOD_CHARS and spaced.startswith(head)
    assert KB.find(head, 0.45).entry.id == KB.find("หมวด 3 คืออะไร", 0.45).entry.id == "hmuad-3"


def test_thanks_or_a_new_command_in_the_middle_of_a_flow_are_answered_as_such(sqlite_bot: Bot):
    """Thanks and the menu leave the flow waiting where it was; a command that starts another flow starts it
    (a person has one flow at a time)."""
    from tests.test_activities_support import STAFF as MEMBER
    from tests.test_activities_support import register, use_clock

    use_clock(sqlite_bot)
    register(sqlite_bot, MEMBER)
    sqlite_bot.say("บันทึกกิจกรรม", MEMBER)
    sqlite_bot.say("6", MEMBER)
    assert "วันไหน" in sqlite_bot.say("กิจกรรมที่ 2", MEMBER)
    thanks = sqlite_bot.say("ขอบคุณครับ", MEMBER)
    assert "ยินดี" in thanks and "อ่านวันที่" not in thanks
    assert "หมายเหตุ" in sqlite_bot.say("เมื่อวาน", MEMBER)  # the flow waited at its date step
    assert "ตรวจร่างคำตอบ" in sqlite_bot.say("ตรวจคำตอบ ADR", MEMBER)


def test_saved_tokens_make_the_same_knowledge_base_and_a_broken_file_is_ignored(tmp_path):
    """The start-up token cache is only a shortcut: with it, without it, or with a broken file, the answers
    are the same."""
    from thai import pipeline

    fresh = load_knowledge_base(KNOWLEDGE, tmp_path)
    saved = list(tmp_path.glob("tokens-*.json"))
    assert len(saved) == 1 and pipeline.fingerprint() in saved[0].name
    again = load_knowledge_base(KNOWLEDGE, tmp_path)
    saved[0].write_text("{not json", encoding="utf-8")
    from knowledge import token_cache

    token_cache.forget_reads()  # as in a new process: the file is read again
    broken = load_knowledge_base(KNOWLEDGE, tmp_path)
    assert len(json.loads(saved[0].read_text(encoding="utf-8"))) > 1000  # made again and saved whole
    for question in ("หมวด 6 แบ่งกิจกรรมปรับปรุงประสิทธิภาพเป็นกี่ประเภท", "ADR คืออะไร", "คลินิกหมวด 2 ห้องไหน"):
        answers = {(f.entry.id if f.entry else "", f.passage.id if f.passage else -1)
                   for f in (kb.find(question, 0.45) for kb in (fresh, again, broken))}
        assert len(answers) == 1, question


def test_an_item_of_the_list_just_shown_is_answered_alone(sqlite_bot: Bot):
    _say(sqlite_bot, "ทางเลือกปรับโครงสร้างมีกี่แนวทาง")
    first = _say(sqlite_bot, "แนวทางแรกคืออะไร")
    assert "การตั้งกองใหม่" in first and "Rearrange" not in first
    _say(sqlite_bot, "กิจกรรมพอเพียงสร้างสุขมีอะไรบ้างคะ")
    third = _say(sqlite_bot, "กิจกรรมที่ 3 ล่ะ")
    assert "เศรษฐกิจพอเพียง" in third and "ถุงผ้า" not in third
    _say(sqlite_bot, "ประเด็น 5.3 คืออะไร")
    assert "ประเด็น 5.4" in _say(sqlite_bot, "ประเด็นถัดไปล่ะ")


def test_another_หมวด_or_another_facet_keeps_the_kind_of_topic(sqlite_bot: Bot):
    _say(sqlite_bot, "ประชุมคณะทำงานหมวด 5 วันไหน")
    assert "24 พฤษภาคม 2567" in _say(sqlite_bot, "หมวด 3 ล่ะ")  # the หมวด 3 working group's meeting
    _say(sqlite_bot, "หมวด 4 คืออะไร")
    assert "เจตนารมณ์" in _say(sqlite_bot, "เจตนารมณ์ล่ะ")
    assert "เป้าหมายของหมวด 4" in _say(sqlite_bot, "เป้าหมายล่ะ")
    assert "20 มิถุนายน 2567" in _say(sqlite_bot, "คณะทำงานประชุมวันไหน")


def test_a_follow_ups_constraints_are_the_persons_not_the_topics(sqlite_bot: Bot):
    """The topic "ตัวชี้วัด 12 ตัว ปีงบประมาณ 2567" must not make a follow-up ask about the year 2567."""
    _say(sqlite_bot, "การประเมินรอบ 6 เดือนมีตัวชี้วัดกี่ตัว")
    assert "เอกสารไม่ได้ระบุข้อมูลของปี" not in _say(sqlite_bot, "องค์ประกอบที่ 2 ประเมินรอบไหน")


def test_a_count_of_a_หมวด_is_answered_and_the_หมวด_stays_the_topic(sqlite_bot: Bot):
    assert "หมวดละ 4 ประเด็น" in _say(sqlite_bot, "หมวด 2 มีกี่ประเด็น")
    assert "ประเด็น 2.1" in _say(sqlite_bot, "ประเด็นแรกคืออะไร")
    assert "ประเด็น 2.4" in _say(sqlite_bot, "ประเด็นสุดท้ายล่ะ")


def test_a_หมวด_level_is_that_level_of_each_of_its_ประเด็น_or_said_to_be_unstated(sqlite_bot: Bot):
    advance = _say(sqlite_bot, "หมวด 5 ระดับ advance")
    assert all(f"ประเด็น 5.{n}" in advance for n in range(1, 5)) and "Advance" in advance
    assert "Basic" in _say(sqlite_bot, "แล้ว basic ล่ะ")  # the หมวด stays the topic
    assert "ไม่ได้ระบุ" in _say(sqlite_bot, "หมวด 2 ระดับ advance")  # the source gives levels for หมวด 3–6


def test_the_first_or_last_item_after_a_หมวดs_list_of_ประเด็น(sqlite_bot: Bot):
    _say(sqlite_bot, "หมวด 2 มีประเด็นอะไรบ้าง")
    assert "ประเด็น 2.1" in _say(sqlite_bot, "ข้อแรกล่ะ")
    assert "ประเด็น 2.4" in _say(sqlite_bot, "อันสุดท้าย")


def test_a_step_of_a_list_named_in_the_question_itself(sqlite_bot: Bot):
    last = _say(sqlite_bot, "PMQA Mechanism ขั้นสุดท้ายคืออะไร ทำบ่อยแค่ไหน")
    assert "ไตรมาสละ 1 ครั้ง" in last and "วิเคราะห์บริบทขององค์การ" not in last
    assert "วิเคราะห์บริบทขององค์การ" in _say(sqlite_bot, "mechanism ขั้นแรก")


def test_calling_the_bot_by_name_is_still_small_talk():
    for text, intent in {"น้องทำอะไรได้บ้าง": "abilities", "คุณช่วยอะไรได้บ้าง": "abilities",
                         "หนูชื่ออะไร": "identity"}.items():
        found = TALK.match(text)
        assert found is not None and found.id == intent, text
    assert TALK.match("น้องหมวด 3 คืออะไร") is None


def test_what_does_it_list_after_a_topic_is_a_follow_up_not_small_talk(sqlite_bot: Bot):
    assert "น้องบอทช่วยได้" in _say(sqlite_bot, "มีอะไรบ้าง", "U" + "7" * 32)  # nothing talked about yet
    _say(sqlite_bot, "6C คืออะไร")
    listed = _say(sqlite_bot, "มีอะไรบ้าง")
    assert "Competitive Environment" in listed and "น้องบอทช่วยได้" not in listed
    _say(sqlite_bot, "ADR คืออะไร")
    assert "Approach" in _say(sqlite_bot, "ย่อมาจากอะไร")


def test_more_ways_of_asking_the_topics_value(sqlite_bot: Bot):
    """"ห้องเดิมไหม", "ผลได้เท่าไหร่", "ชั้นไหน", and a marked follow-up in the topic's own words ("ถ้าน้อยล่ะ")."""
    user = "U" + "7" * 32
    _say(sqlite_bot, "คลินิก กพร หมวด 2 วันไหนคะ", user)
    assert "301" in _say(sqlite_bot, "ห้องเดิมไหม", user)
    _say(sqlite_bot, "บริจาคเลือดวันไหน", user)
    assert "ชั้น 2" in _say(sqlite_bot, "ชั้นไหน", user)
    _say(sqlite_bot, "ถ้าความเสี่ยงสูงต้องทำไง", user)
    assert "เตรียมการป้องกัน" in _say(sqlite_bot, "ถ้าน้อยล่ะ", user)


def test_a_greeting_or_a_complaint_with_fillers_is_still_small_talk():
    for text in ("อรุณสวัสดิ์ค่ะ วันนี้ขอถามหน่อยนะ", "ตอบไม่ตรงเลย งงไปหมด"):
        assert TALK.match(text) is not None, text


def test_the_last_clinic_after_one_clinic_and_a_tip_of_one_หมวด_keeps_that_หมวด(sqlite_bot: Bot):
    user = "U" + "8" * 32
    _say(sqlite_bot, "คลินิกหมวด 6 วันไหน", user)
    assert "8 พ.ค. 67" in _say(sqlite_bot, "อันสุดท้ายล่ะ", user)
    # The 3S tip comes from the part of the source about หมวด 5: "หมวดนี้" after it is หมวด 5.
    _say(sqlite_bot, "3S คือไร", user)
    both = _say(sqlite_bot, "gap ในหมวดนี้เลือกข้อไหน", user)
    assert "5.3.3" in both and "5.4.4" in both


def test_two_equally_good_entries_of_a_หมวด_are_answered_by_the_entry_that_lists_both():
    found = KB.find("gap ในหมวด 5 เลือกข้อไหน", 0.45)
    assert found.entry is not None and found.entry.id == "gap-overview"
    assert KB.find("development gap หมวด 6 คือข้อไหน", 0.45).entry.id == "gap-6.3.2"


def test_what_about_another_subject_asks_the_last_question_of_it(db_url: str, fake_line):
    """"แล้ว PMQA ล่ะ" after "TQA เริ่มใช้ปีไหน" asks when PMQA started, on every backend (the question is kept with
    the topic in ``topic_memory``); "แล้วรางวัลล่ะ"-like words of the topic itself do not switch."""
    from tests.conftest import _running_bot

    for bot in _running_bot(db_url, fake_line):
        user = "U" + "9" * 32
        assert "2545" in _say(bot, "TQA เริ่มใช้ปีไหน", user)
        assert "2562" in _say(bot, "แล้ว PMQA ล่ะ", user)
        _say(bot, "TQA คืออะไร", user)
        assert "Public Sector Management Quality Award" in _say(bot, "แล้ว PMQA ล่ะ", user)


def test_an_item_named_by_the_topics_title_a_first_indicator_and_a_count_a_related_entry_gives(sqlite_bot: Bot):
    user = "U" + "a" * 31 + "b"
    _say(sqlite_bot, "3S ของความผูกพันในงานมีอะไรบ้าง", user)
    assert "จนเกษียณ" in _say(sqlite_bot, "แล้ว Stay ล่ะ", user)  # one of 3S, not the Stay / Stop / Start tip
    assert "ร้อยละ 15" in _say(sqlite_bot, "ตัวชี้วัดตัวแรก น้ำหนักเท่าไหร่", user)
    # The meeting is found first and does not count the options; its related entry does.
    assert "2 แนวทาง" in _say(sqlite_bot, "ทางเลือกการปรับปรุงโครงสร้างที่กระทรวงดีอีคุยกัน มีกี่แนวทาง", user)
    assert "Rearrange" in _say(sqlite_bot, "แล้วอันที่สองล่ะ", user)
    # A room of a related meeting is still no answer.
    assert "401" not in _say(sqlite_bot, "ประชุมหารือแบ่งส่วนราชการกับ สป.ดศ. จัดที่ห้องไหน", user)


def test_an_item_of_a_list_is_of_the_topic_itself_and_called_by_what_the_list_holds(sqlite_bot: Bot):
    """"องค์ประกอบแรก" after the 12 indicators' overview (its title says "ตัวชี้วัด 12 ตัว") is neither indicator 12
    nor the first indicator of its list; "แนวทางแรก" of "2 แนวทาง" is the first one; a result asked after an
    indicator is its card."""
    user = "U" + "c" * 32
    _say(sqlite_bot, "การประเมินส่วนราชการรอบนี้แบ่งเป็นกี่องค์ประกอบคะ", user)
    first = _say(sqlite_bot, "องค์ประกอบแรกน้ำหนักเท่าไหร่", user)
    assert "ร้อยละ 70" in first and not first.startswith("ตัวชี้วัดที่ 12")
    _say(sqlite_bot, "ทางเลือกการปรับปรุงโครงสร้างมีกี่แนวทาง", user)
    assert "การตั้งกองใหม่" in _say(sqlite_bot, "แนวทางแรกคืออะไร", user)
    _say(sqlite_bot, "ตัวชี้วัด GGGR ใครดูแลครับ", user)
    assert "รอบ 12 เดือน" in _say(sqlite_bot, "ผลรอบ 6 เดือนเป็นไง", user)


def test_a_rounds_result_after_an_indicator_is_the_indicators_and_the_rounds_dates_are_not():
    topic = Topic("kpi-9", "indicator", "ตัวชี้วัดที่ 9", words=frozenset({"gggr"}))
    asked = follow_up("ผลรอบ 6 เดือนเป็นไง", query_tokens("ผลรอบ 6 เดือนเป็นไง"), topic, WORDS, False)
    assert asked is not None and asked.certain and "ตัวชี้วัดที่ 9" in asked.question
    dates = "รอบ 6 เดือนนับตั้งแต่วันไหนถึงวันไหน"
    assert follow_up(dates, query_tokens(dates), topic, WORDS, False) is None


def test_a_topic_titles_own_numbers_are_not_the_persons_reference(sqlite_bot: Bot):
    """"แล้วเมื่อก่อนล่ะ" after the answer-writing guide ("… รายหมวด 1 - 6") is about the guide, not หมวด 1; a หมวด's
    own meeting is answered before the umbrella entry of four meetings ("หมวด 3 - 6")."""
    user = "U" + "d" * 32
    _say(sqlite_bot, "ADR คืออะไรครับ", user)
    _say(sqlite_bot, "ตอบได้กี่อักขระ", user)
    assert "1,000 อักขระ" in _say(sqlite_bot, "แล้วเมื่อก่อนล่ะ", user)
    _say(sqlite_bot, "ประชุมคณะทำงานหมวด 3 จัดเมื่อไหร่", user)
    assert "รวบรวมความต้องการ" in _say(sqlite_bot, "คุยเรื่องอะไรกัน", user)


def test_then_and_whose_are_asked_of_the_topic(sqlite_bot: Bot):
    user = "U" + "e" * 32
    _say(sqlite_bot, "ไทยเริ่มใช้ TQM ปีไหน", user)
    assert "TQA" in _say(sqlite_bot, "ตอนนั้นชื่ออะไร", user)
    _say(sqlite_bot, "สารประชาสัมพันธ์ฉบับนี้เป็นฉบับที่เท่าไหร่", user)
    assert "กลุ่มพัฒนาระบบบริหาร" in _say(sqlite_bot, "หน่วยงานไหนเป็นเจ้าของเรื่อง", user)


def test_which_step_a_tip_belongs_to_is_asked_of_the_tip(sqlite_bot: Bot):
    user = "U" + "f" * 32
    _say(sqlite_bot, "Stay Stop Start ในมุมมองการบริหารเชิงยุทธศาสตร์คืออะไร", user)
    assert "Business Strategy" in _say(sqlite_bot, "อยู่ในขั้นไหน", user)


def test_the_second_one_is_called_what_the_first_one_was(sqlite_bot: Bot):
    """"อันที่สองล่ะ" after "องค์ประกอบแรก…" is the second component (not the second indicator of the overview's
    list); after "อันแรก" of 6Cs, C2."""
    user = "U" + "0" * 31 + "9"
    _say(sqlite_bot, "การประเมินส่วนราชการรอบนี้แบ่งเป็นกี่องค์ประกอบคะ", user)
    _say(sqlite_bot, "องค์ประกอบแรกน้ำหนักเท่าไหร่", user)
    second = _say(sqlite_bot, "อันที่สองล่ะ", user)
    assert "ร้อยละ 30" in second and not second.startswith("ตัวชี้วัดที่ 2")
    _say(sqlite_bot, "6Cs มีอะไรบ้าง", user)
    _say(sqlite_bot, "อันแรกคืออะไร", user)
    assert "C2: Customers" in _say(sqlite_bot, "อันที่สองล่ะ", user)


def test_the_last_one_after_one_item_of_a_list_is_the_lists_last(sqlite_bot: Bot):
    """"อันสุดท้ายล่ะ" after "C4 ล่ะ" (an entry of its own, with no list) is the last of the 6Cs it belongs to."""
    user = "U" + "0" * 31 + "a"
    _say(sqlite_bot, "6Cs มีอะไรบ้างคะ", user)
    assert "Compliance" in _say(sqlite_bot, "C4 ล่ะ", user)
    last = _say(sqlite_bot, "อันสุดท้ายล่ะ", user)
    assert "C6: Challenges" in last and "C1: Company" not in last


def test_a_word_that_begins_a_compound_of_the_topic_is_the_topics():
    """"เชื่อมกับผลลัพธ์อะไร" after a step that "เชื่อมโยงกับผลลัพธ์ 7.1": เชื่อม begins the topic's เชื่อมโยง."""
    topic = Topic("strategy-step-3", "entry", "ขั้นที่ 3 สร้างยุทธศาสตร์ระดับพันธกิจ",
                  words=frozenset({"เชื่อมโยง", "ผลลัพธ์", "ยุทธศาสตร์"}))
    asked = follow_up("เชื่อมกับผลลัพธ์อะไร", query_tokens("เชื่อมกับผลลัพธ์อะไร"), topic, WORDS, False)
    assert asked is not None and asked.question.startswith("ขั้นที่ 3")
    short = Topic("x", "entry", "x", words=frozenset({"ผลลัพธ์", "ประชุมเชิงปฏิบัติการ"}))
    assert follow_up("ผลรวมอะไร", query_tokens("ผลรวมอะไร"), short, WORDS, False) is None


def test_a_person_asked_of_a_kind_of_staff_and_a_fee_are_unstated_and_no_other_person_is_offered(sqlite_bot: Bot):
    user = "U" + "0" * 31 + "b"
    named = _say(sqlite_bot, "ข้าราชการต้นแบบ Hall of Fame ที่ได้รางวัลชื่ออะไร", user)
    assert named.startswith("เอกสารไม่ได้ระบุชื่อบุคคล")
    _say(sqlite_bot, "Hall of Fame คือกิจกรรมอะไร", user)
    who = _say(sqlite_bot, "ใครได้รางวัลบ้าง", user)
    assert who.startswith("เอกสารไม่ได้ระบุ") and "กิตติณัฐ" not in who
    fee = _say(sqlite_bot, "ค่าลงทะเบียน workshop เท่าไหร่", user)
    assert fee.startswith("เอกสารไม่ได้ระบุ") and "08.30" not in fee
    assert constraints_of("ค่าเป้าหมายขั้นสูงเท่าไหร่", lambda w: True).unit == ""


def test_kpi_is_read_as_the_word_for_indicator(sqlite_bot: Bot):
    user = "U" + "0" * 31 + "c"
    assert "ร้อยละ 70" in _say(sqlite_bot, "องค์ประกอบที่ 1 ของ kpi น้ำหนักเท่าไหร่", user)


def test_feelings_and_is_it_a_bot_are_small_talk():
    for text, intent in {"เป็นบอทหรือคนคะ": "identity", "เหนื่อยจัง งานเยอะ": "feelings",
                         "เครียดจังเลยค่ะ": "feelings"}.items():
        found = TALK.match(text)
        assert found is not None and found.id == intent, text


# ----- Latin words ----------------------------------------------------------------------------------
_LATIN_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=12)


@given(_LATIN_WORD, st.data())
def test_one_typing_slip_is_one_edit_both_ways(word: str, data: st.DataObject):
    from knowledge.latin import _one_edit

    i = data.draw(st.integers(0, len(word) - 1))
    letter = data.draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz"))
    slips = [word[:i] + word[i + 1:], word[:i] + letter + word[i:], word[:i] + letter + word[i + 1:]]
    if i + 1 < len(word):
        slips.append(word[:i] + word[i + 1] + word[i] + word[i + 2:])
    for slip in slips:
        assert _one_edit(word, slip) and _one_edit(slip, word), slip
    assert not _one_edit(word, word + "zz")


def test_a_latin_word_one_slip_from_one_known_word_is_read_as_it():
    from knowledge.latin import LatinWords

    latin = LatinWords(["No Gift Policy", "PMQA 4.0", "Government Data Catalog", "Check list", "development gap",
                        "Stay Stop Start"])
    assert latin.split_compounds("no gfit policy ทำไรบ้าง") == "no gift policy ทำไรบ้าง"
    assert latin.split_compounds("no gift polcy") == "no gift policy"
    assert latin.split_compounds("development gab มีอะไรบ้าง") == "development gap มีอะไรบ้าง"
    assert latin.split_compounds("catalgo") == "catalog"
    # A short word is repaired only beside a word the knowledge writes it with: "smart" is no "start".
    assert latin.split_compounds("smart office") == "smart office"
    assert latin.split_compounds("gab คืออะไร") == "gab คืออะไร"
    assert latin.split_compounds("checklist") == "check list"
    assert latin.split_compounds("nogiftpolicy มีอะไรบ้าง") == "no gift policy มีอะไรบ้าง"  # three words as one
    assert latin.split_compounds("staystopstart") == "stay stop start"
    assert latin.split_compounds("ITA ปี 67") == "ITA ปี 67"  # three letters: a name, never guessed
    assert latin.split_compounds("zebra") == "zebra"
    assert "gift" in _say_kb("no gfit policy ทำไรบ้าง").casefold()


def _say_kb(question: str) -> str:
    found = KB.find(question, 0.45)
    return found.entry.title if found.entry is not None else ""


def test_a_part_of_a_hyphenated_latin_word_is_never_repaired():
    from knowledge.latin import LatinWords

    latin = LatinWords(["e-document", "edocument"])
    assert latin.split_compounds("แล้วเรื่อง e-document ล่ะ") == "แล้วเรื่อง e-document ล่ะ"


def test_a_level_of_a_praden_the_source_gives_no_levels_for_is_said_so(sqlite_bot: Bot):
    user = "U" + "0" * 31 + "d"
    text = _say(sqlite_bot, "ประเด็น 1.2 ระดับ advance", user)
    assert text.startswith("เอกสารไม่ได้ระบุระดับก้าวหน้า Advance") and "หมวด 3–6" in text
    assert "เพื่อค้นหาสาเหตุของปัญหา" in _say(sqlite_bot, "ประเด็น 4.2 ระดับ advance", user)


def test_one_letter_of_adr_asked_after_adr_is_that_letters_line(sqlite_bot: Bot):
    user = "U" + "0" * 31 + "e"
    _say(sqlite_bot, "ADR คืออะไร", user)
    approach = _say(sqlite_bot, "A คืออะไร", user)
    assert "A – Approach" in approach and "R – Result" not in approach


def test_a_chair_asked_of_a_meeting_is_not_another_meetings_and_which_unit_is_the_indicators(sqlite_bot: Bot):
    """"ใครเป็นประธาน" after the หมวด 4 meeting: the source names no chair for it (the structure meeting's chair
    is no answer), and the topic stays, so "แล้วหมวด 6 ล่ะ" is หมวด 6's meeting. "หน่วยไหนดูแล" after indicator 9
    is indicator 9's unit, not another indicator's."""
    user = "U" + "0" * 31 + "f"
    _say(sqlite_bot, "ประชุมคณะทำงานหมวด 4 วันไหน", user)
    chair = _say(sqlite_bot, "ใครเป็นประธาน", user)
    assert chair.startswith("เอกสารไม่ได้ระบุ") and "วิศิษฎ์" not in chair
    assert "28 พฤษภาคม 2567" in _say(sqlite_bot, "แล้วหมวด 6 ล่ะ", user)
    _say(sqlite_bot, "ตัวชี้วัดที่ 9", user)
    assert _say(sqlite_bot, "หน่วยไหนดูแล", user).startswith("ตัวชี้วัดที่ 9")


def test_a_quoted_passage_shows_no_bold_marks_of_the_source(sqlite_bot: Bot):
    user = "U" + "1" * 31 + "0"
    _say(sqlite_bot, "Better ADG Better Me คืออะไร", user)
    assert "**" not in _say(sqlite_bot, "มีกี่กิจกรรม", user)
    assert "**" not in _say(sqlite_bot, "ทำไมต้องตั้งกองงานดิจิทัลจังหวัด", user)


def test_a_score_asked_after_an_indicator_is_its_card_not_another_passages_score(sqlite_bot: Bot):
    register = sqlite_bot.app.test_cli_runner().invoke(
        args=["users", "add", "U" + "1" * 31 + "1", "--name", "ผู้ทดสอบ", "--unit", "พส.", "--role", "staff"])
    assert register.exit_code == 0, register.output
    user = "U" + "1" * 31 + "1"
    _say(sqlite_bot, "ตัวชี้วัดที่ 1 ผลรอบ 6 เดือน", user)
    score = _say(sqlite_bot, "ได้กี่คะแนน", user)
    assert score.startswith("ตัวชี้วัดที่ 1") and "100.00 คะแนน" in score and "4 ตัวชี้วัด" not in score


def test_another_number_after_an_indicator_is_that_indicator_and_a_round_follow_up_is_that_round(sqlite_bot: Bot):
    register = sqlite_bot.app.test_cli_runner().invoke(
        args=["users", "add", "U" + "1" * 31 + "2", "--name", "ผู้ทดสอบ", "--unit", "พส.", "--role", "staff"])
    assert register.exit_code == 0, register.output
    user = "U" + "1" * 31 + "2"
    assert _say(sqlite_bot, "ตัวชี้วัดที่ 10 คืออะไร", user).startswith("ตัวชี้วัดที่ 10")
    eleven = _say(sqlite_bot, "แล้ว 11 ล่ะ", user)
    assert eleven.startswith("ตัวชี้วัดที่ 11") and "ร้อยละ 7.5" in eleven
    assert "ร้อยละ 7.5" in _say(sqlite_bot, "น้ำหนักเท่าไหร่", user)
    _say(sqlite_bot, "ตัวชี้วัดที่ 3 ผลเท่าไหร่", user)
    later = _say(sqlite_bot, "แล้วรอบ 12 เดือนล่ะ", user)
    assert later.startswith("ตัวชี้วัดที่ 3") and "ยังไม่มีข้อมูลค่าเป้าหมายและผลของรอบ 12 เดือน" in later
    assert "2,028,405" in _say(sqlite_bot, "แล้ว 6 เดือนล่ะ", user)  # a round, not ตัวชี้วัดที่ 6


def test_a_working_groups_meeting_the_source_does_not_report_is_said_so(sqlite_bot: Bot):
    user = "U" + "1" * 31 + "3"
    reply = _say(sqlite_bot, "คณะทำงานหมวด 1 ประชุมวันไหน", user)
    assert reply.startswith("เอกสารไม่ได้ระบุการประชุมคณะทำงานหมวด 1") and "หมวด 3 - 6" in reply
    assert "24 พฤษภาคม 2567" in _say(sqlite_bot, "คณะทำงานหมวด 3 ประชุมวันไหน", user)


def test_a_complaint_that_the_bot_is_slow_is_small_talk():
    talk = load_smalltalk(PROJECT_ROOT / "knowledge" / "conversation" / "smalltalk.yaml")
    for text in ("ตอบช้าจังเลยอ่ะ", "ช้าจังครับ", "ทำไมไม่ตอบ"):
        intent = talk.match(text)
        assert intent is not None and intent.id == "slow", text
    assert talk.match("เก่งจังเลย").id == "praise"  # type: ignore[union-attr]


def test_praise_of_speed_goodbyes_with_fillers_and_asking_for_a_real_person_are_small_talk():
    for text, intent in (("เก่งมากเลย ตอบไวดี", "praise"), ("ฝันดีนะ ไปก่อนละ", "goodbye"),
                         ("ขอคุยกับเจ้าหน้าที่ตัวจริงได้ไหมครับ", "human"), ("เจ้าหน้าที่ตัวจริงอยู่ไหม", "human")):
        found = TALK.match(text)
        assert found is not None and found.id == intent, text
    assert TALK.match("ถูกต้องนะคะ หมวด 3 คืออะไร") is None


def test_a_count_is_a_number_of_things_not_the_thing_numbered():
    c = constraints_of("เกณฑ์ pmqa มีกี่ประเด็น", lambda w: True)
    assert c.unit == "ประเด็น"
    assert unmet(c, "ประเด็นที่ 1 พิจารณาตัวชี้วัด") == "จำนวนประเด็น"
    assert unmet(c, "หมวดละ 4 ประเด็น") == "" and unmet(c, "ประเด็นละ 2 ข้อ") == ""
    assert constraints_of("หมวด 7 มีประเด็นพิจารณากี่ข้อ", lambda w: True).unit == "ประเด็น"


def test_a_count_of_ประเด็น_is_answered_by_the_frameworks_counts(sqlite_bot: Bot):
    user = "U" + "1" * 31 + "4"
    assert "30 ประเด็น" in _say(sqlite_bot, "เกณฑ์ pmqa มีประเด็นพิจารณารวมกี่ประเด็นคะ", user)
    assert "6 ประเด็น" in _say(sqlite_bot, "หมวด 7 มีประเด็นพิจารณากี่ข้อ", user)


def test_a_date_or_place_asked_after_one_bullet_stays_on_that_bullet(sqlite_bot: Bot):
    user = "U" + "1" * 31 + "5"
    first = _say(sqlite_bot, "กลุ่มเราไปบริจาคโลหิตด้วยใช่ไหมครับ", user)
    assert "บริจาคโลหิต" in first and "ศิริราชมูลนิธิ" not in first
    assert "24 เมษายน 2567" in _say(sqlite_bot, "วันไหน", user)
    assert "อาคารรัฐประศาสนภักดี" in _say(sqlite_bot, "ที่ไหนครับ", user)
    money = _say(sqlite_bot, "แล้วบริจาคเงินให้ที่ไหนบ้าง", user)
    assert "ศิริราชมูลนิธิ" in money and "อาคารรัฐประศาสนภักดี" not in money
    # Another item, named by its number, is that item.
    _say(sqlite_bot, "Hall of Fame คือกิจกรรมอะไร", user)
    _say(sqlite_bot, "ใครมอบ", user)
    assert "กิจกรรมที่ 2" in _say(sqlite_bot, "กิจกรรมที่ 2 ล่ะ", user)


def test_a_target_set_is_asked_of_the_indicator(sqlite_bot: Bot):
    user = "U" + "1" * 31 + "6"
    _say(sqlite_bot, "ตัวชี้วัดที่ 3 คืออะไรครับ", user)
    assert "1,996,633" in _say(sqlite_bot, "เป้าขั้นสูงตั้งไว้เท่าไหร่", user)


def test_a_question_alone_undecided_between_entries_is_asked_of_the_topic(sqlite_bot: Bot):
    """Alone, "เชื่อมกับผลลัพธ์ข้อไหน" finds 7.2, 7.3 and 7.6 alike; after a strategy step it asks that step's link."""
    user = "U" + "1" * 31 + "7"
    _say(sqlite_bot, "business strategy มีหมวดไหนบ้าง", user)
    linked = _say(sqlite_bot, "เชื่อมกับผลลัพธ์ข้อไหน", user)
    assert "7.1" in linked and "7.2" in linked and "ประเด็น 7.3" not in linked
    assert "7.6" in _say(sqlite_bot, "แล้ว functional ล่ะ", user)
    other = "U" + "1" * 31 + "8"
    _say(sqlite_bot, "Stay Stop Start คืออะไร", other)
    assert "Corporate Strategy" in _say(sqlite_bot, "แล้ว corporate ล่ะ", other)  # a subject of its own
    _say(sqlite_bot, "หลัก adr ที่ใช้เขียนคำตอบคืออะไรคะ", other)
    assert "สู่การปฏิบัติ" in _say(sqlite_bot, "Deployment ใน ADR หมายถึงอะไรครับ", other)


def test_every_variant_of_a_small_talk_reply_says_the_same_things():
    """The reply is picked by the clock: whoever asks again must get the same facts, in other words."""
    must = {"complaint": ("ขออภัย", "ขอคุยกับเจ้าหน้าที่"), "slow": ("ขออภัย", "ขอคุยกับเจ้าหน้าที่"),
            "identity": ("บอท", "ไม่ใช่คน", "3 เรื่อง", "ขอคุยกับเจ้าหน้าที่"), "praise": ("ขอบคุณ", "ดีใจ"),
            "goodbye": ("พบกันใหม่",), "thanks": ("ยินดี",), "greeting": ("สวัสดี", "PMQA 4.0")}
    intents = {i.id: i for i in TALK.intents}
    for intent, phrases in must.items():
        for reply in intents[intent].replies:
            assert all(p in reply for p in phrases), (intent, reply)


def test_a_misspelt_word_of_the_source_is_read_by_sound(sqlite_bot: Bot):
    assert "อาคารรัฐประศาสนภักดี" in _say(sqlite_bot, "บริจากโลหิตที่ไหนหรอ", "U" + "1" * 31 + "9")


def test_each_inside_a_question_is_no_follow_up(sqlite_bot: Bot):
    """"ปีละกี่วัน" is "how many days a year", not "แล้ว … ละ": an unrelated question after a meeting stays unrelated."""
    user = "U" + "2" * 31 + "1"
    _say(sqlite_bot, "คณะทำงานหมวด 2 ประชุมวันไหน", user)
    answer = _say(sqlite_bot, "ข้าราชการลาพักผ่อนได้ปีละกี่วันคะ", user)
    assert "ประชุม" not in answer.split("\n")[0] and ("ไม่พบ" in answer or "ไม่แน่ใจ" in answer)


def test_a_fee_asked_with_yes_or_no_and_a_year_asked_are_kinds_of_value():
    fee = constraints_of("workshop 17 พ.ค. มีค่าลงทะเบียนไหมคะ", lambda w: True)
    assert (fee.asked, fee.unit) == ("number", "บาท")
    assert unmet(fee, "การประชุมเชิงปฏิบัติการ 17 พ.ค. 2567 ณ ห้องประชุม") == "ค่าใช้จ่ายหรือจำนวนเงิน"
    year = constraints_of("TQA เริ่มใช้ปีไหน", lambda w: True)
    assert year.asked == "year"
    assert not unmet(year, "TQA เริ่มใช้ในปี 2545") and unmet(year, "TQA คือรางวัลคุณภาพแห่งชาติ") == "ปี"
    assert constraints_of("หมวด 3 คืออะไร", lambda w: True).asked == ""


def test_a_fee_the_source_does_not_state_is_said_so(sqlite_bot: Bot):
    answer = _say(sqlite_bot, "workshop 17 พ.ค. มีค่าลงทะเบียนไหมคะ", "U" + "2" * 31 + "2")
    assert "ไม่ได้ระบุค่าใช้จ่าย" in answer


def test_then_after_a_verb_is_no_follow_up(sqlite_bot: Bot):
    """"ทำครบ…แล้วจะนำไปสู่อะไร" is "done, then what": a question of its own, not "แล้ว X ล่ะ" of the last topic."""
    user = "U" + "2" * 31 + "3"
    _say(sqlite_bot, "corporate strategy หมวด1 เชื่อมกับผลลัพธ์ข้อไหน", user)
    answer = _say(sqlite_bot, "ทำครบทั้ง 4 ขั้นตอนแล้วจะนำไปสู่อะไรคะ", user)
    assert "สมรรถนะสูง" in answer or "พร้อมรับการเปลี่ยนแปลง" in answer


def test_a_ประเด็น_past_the_last_of_its_หมวด_is_corrected_also_as_ข้อ_and_in_หมวด_7(sqlite_bot: Bot):
    user = "U" + "2" * 31 + "4"
    assert "หมวด 7 มี 6 ประเด็น (ไม่มีประเด็น 7.8)" in _say(sqlite_bot, "ประเด็น 7.8 คืออะไร", user)
    _say(sqlite_bot, "หมวด 2 คืออะไร", user)
    assert "หมวด 2 มี 4 ประเด็น (ไม่มีประเด็น 2.5)" in _say(sqlite_bot, "ข้อ 2.5 ล่ะ", user)
