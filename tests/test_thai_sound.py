"""Words typed as they sound (``thai.sound``): repaired to the knowledge's word, everything else left alone."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from thai import prepare
from thai.sound import SoundAlikeWords, sound_key

VOCABULARY = SoundAlikeWords(["บริจาค", "โลหิต", "เกณฑ์", "ประเด็น", "สัมมนา"], ["วิทยากร อ.กิตติณัฐ พนมฤทธิ์"])


def test_a_word_typed_by_ear_is_the_knowledges_word():
    assert VOCABULARY.repair(prepare("บริจากโลหิตที่ไหน")) == prepare("บริจาคโลหิตที่ไหน")
    assert VOCABULARY.repair(prepare("เกณ pmqa มีกี่ประเด็น")).startswith("เกณฑ์ pmqa")
    assert "กิตติณัฐ" in VOCABULARY.repair(prepare("สัมมนา อ.กิตติณัด วันไหน"))


def test_the_key_drops_what_is_not_heard_and_merges_what_sounds_alike():
    assert sound_key("เกณฑ์") == sound_key("เกณ")
    assert sound_key("บริจาค") == sound_key("บริจาก")
    assert sound_key("กิตติณัฐ") == sound_key("กิตติณัด")
    assert sound_key("สัมมนา") == sound_key("สัมนา")
    assert sound_key("บริจาค") != sound_key("บริหาร")


def test_words_the_tokenizer_reads_are_never_changed():
    for text in ("ขอบคุณครับ", "ข้าราชการลาพักผ่อนได้ปีละกี่วัน", "ถวายพระพรพระองค์ไหน", "หมวด 3 คืออะไร", ""):
        assert VOCABULARY.repair(prepare(text)) == prepare(text)


def test_two_words_that_sound_alike_are_not_guessed_between():
    both = SoundAlikeWords(["บริจาค", "บริจาก"])
    assert both.repair(prepare("บริจากโลหิต")) == prepare("บริจากโลหิต")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("บริจากโลหิตเกณฑ์ ประเด็นณัด่้็ั")), max_size=30))
def test_a_repair_is_stable_and_never_raises(text):
    """Repairing twice is repairing once: a repaired word is a word, and nothing around it is touched."""
    once = VOCABULARY.repair(prepare(text))
    assert VOCABULARY.repair(once) == once
