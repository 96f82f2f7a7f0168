"""The knowledge base: schema checks, exact references, ranking, the unanswered inbox."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.config import PROJECT_ROOT, Settings
from knowledge.loader import load_entries
from knowledge.schema import SchemaError
from knowledge.search import KnowledgeBase
from tests.conftest import Bot

KB = KnowledgeBase(load_entries(PROJECT_ROOT / "knowledge"))


@pytest.mark.parametrize(("question", "ref", "level"), [
    ("หมวด 3", "หมวด 3", ""),
    ("ประเด็น 4.2 ระดับ advance", "ประเด็น 4.2", "advance"),
    ("4.2 ระดับ significance", "ประเด็น 4.2", "significance"),
    ("ประเด็น 5.1 ระดับพื้นฐาน", "ประเด็น 5.1", "basic"),
    ("C4", "C4", ""),
    ("c 6 คืออะไร", "C6", ""),
    ("คลินิกหมวด 2", "คลินิก หมวด 2", ""),
    ("gap 5.4.4", "gap 5.4.4", ""),
    ("ตัวชี้วัดที่ 3", "ตัวชี้วัด 3", ""),
    ("kpi 12", "ตัวชี้วัด 12", ""),
    ("เจตนารมณ์หมวด 3", "หมวด 3/เจตนารมณ์", ""),
    ("เป้าหมายหมวด 5", "หมวด 5/เป้าหมาย", ""),
])
def test_structured_references_resolve_exactly(question: str, ref: str, level: str):
    found = KB.find(question, threshold=0.99)
    assert found.exact and found.entry is not None
    assert ref in found.entry.refs
    assert found.level == level


def test_every_declared_reference_resolves_to_its_entry():
    from knowledge.search import KnowledgeBase

    for ref, entry in KB.by_ref.items():
        if ref.startswith(("ผลลัพธ์", "กิจกรรม")):
            continue  # alternative forms, reached through the primary ref
        question = ref.replace("/", " ").replace("gap", "development gap")
        found = KB.find(question, threshold=0.99)
        assert found.exact, ref
        assert found.entry is entry or (found.entry and set(found.entry.refs) & {ref}), (ref, found.entry)
    assert isinstance(KB, KnowledgeBase)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_find_never_raises_and_confidence_is_a_share(text: str):
    found = KB.find(text, threshold=0.45)
    assert 0.0 <= found.confidence <= 1.0
    assert (found.entry is None) == (not found.exact and found.confidence < 0.45)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(KB.entries), st.sampled_from(["", " ครับ", " หน่อยค่ะ", " คืออะไร", "?"]))
def test_an_entrys_own_title_finds_it(entry, suffix: str):
    """Asking with an entry's own title lands on an entry with that same title."""
    found = KB.find(entry.title + suffix, threshold=0.45)
    assert found.entry is not None
    assert found.entry.title == entry.title or found.exact


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


@pytest.mark.parametrize(("content", "message"), [
    ("entries:\n  - id: Bad Id\n    title: t\n    answer: a\n    source: s\n", "id"),
    ("entries:\n  - id: x\n    title: t\n    source: s\n", "answer"),
    ("entries:\n  - id: x\n    title: t\n    answer: a\n    source: s\n    refs: [หมวด 9]\n", "ref"),
    ("entries:\n  - id: x\n    title: t\n    answer: a\n    source: s\n    related: [nope]\n", "related"),
    ("entries:\n  - id: x\n    title: t\n    answer: a\n    source: s\n    colour: red\n", "colour"),
    ("entries: [\n", "YAML"),
    ("entries:\n  - id: x\n    title: t\n    answer: a\n    source: s\n    levels: {basic: b}\n", "levels"),
])
def test_bad_files_are_rejected_with_a_clear_message(tmp_path: Path, content: str, message: str):
    kdir = tmp_path / "knowledge"
    shutil.copytree(PROJECT_ROOT / "knowledge" / "indicators", kdir / "indicators")
    shutil.copytree(PROJECT_ROOT / "knowledge" / "activities", kdir / "activities")
    (kdir / "pmqa").mkdir()
    _write(kdir / "pmqa", "bad.yaml", content)
    with pytest.raises(SchemaError) as err:
        load_entries(kdir)
    assert "bad.yaml" in str(err.value) and message in str(err.value)


def test_kb_check_command(sqlite_bot: Bot, tmp_path: Path):
    runner = sqlite_bot.app.test_cli_runner()
    ok = runner.invoke(args=["kb", "check"])
    assert ok.exit_code == 0 and ok.output.startswith("OK:")
    kdir = tmp_path / "knowledge"
    shutil.copytree(PROJECT_ROOT / "knowledge", kdir)
    _write(kdir / "pmqa", "zz-broken.yaml", "entries:\n  - id: x\n    title: t\n")
    settings_bad = Settings(**{**sqlite_bot.app.config["BOT_SETTINGS"].__dict__, "knowledge_dir": kdir})
    sqlite_bot.app.config["BOT_SETTINGS"] = settings_bad
    bad = runner.invoke(args=["kb", "check"])
    assert bad.exit_code == 1 and "zz-broken.yaml" in bad.output


def test_out_of_scope_is_not_answered_and_is_stored(sqlite_bot: Bot):
    text = sqlite_bot.say("ผลบอลเมื่อคืนใครชนะ")
    assert "ไม่แน่ใจ" in text or "ไม่พบ" in text
    listing = sqlite_bot.app.test_cli_runner().invoke(args=["kb", "unanswered"])
    assert "ผลบอลเมื่อคืนใครชนะ" in listing.output and "1 question(s)" in listing.output


def test_not_sure_offers_the_closest_topics(sqlite_bot: Bot):
    sqlite_bot.say("ความเสี่ยงในงานสถิติจังหวัดเกี่ยวกับมิจฉาชีพ")
    items = sqlite_bot.last_reply()["messages"][-1]["quickReply"]["items"]
    assert 1 <= len(items) <= 13


def test_answer_offers_next_steps(sqlite_bot: Bot):
    sqlite_bot.say("หมวด 3")
    labels = [i["action"]["label"] for i in sqlite_bot.last_reply()["messages"][-1]["quickReply"]["items"]]
    assert any("3.1" in label for label in labels)


def test_praden_levels_come_as_a_card_with_alt_text(sqlite_bot: Bot):
    sqlite_bot.say("ประเด็น 6.1")
    flex = [m for m in sqlite_bot.last_reply()["messages"] if m["type"] == "flex"]
    assert flex and "ติดตามควบคุมกระบวนการ" in flex[0]["altText"]
    assert flex[0]["contents"]["type"] == "bubble"


def test_help_menu(sqlite_bot: Bot):
    text = sqlite_bot.say("เมนู")
    assert "PMQA" in text and "บันทึกกิจกรรม" in text and "KPI" in text


def test_a_participation_the_bot_cannot_place_offers_logging(sqlite_bot: Bot):
    text = sqlite_bot.say("เข้าร่วมกิจกรรมเมื่อวาน")
    labels = [i["action"]["label"] for i in sqlite_bot.last_reply()["messages"][-1]["quickReply"]["items"]]
    assert labels[0] == "บันทึกกิจกรรม" and "บันทึกกิจกรรม" in text
