"""Grouping similar unanswered questions (``knowledge/grouping.py``): a partition, and the same words together."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from knowledge.grouping import group, similarity
from knowledge.search import query_tokens

words = st.frozensets(st.sampled_from(["จอง", "ห้อง", "ประชุม", "ลา", "พักผ่อน", "แบบฟอร์ม", "ชั้น", "5"]), max_size=5)
questions = st.lists(words, max_size=30).map(lambda ws: list(enumerate(ws)))


@given(questions)
def test_every_question_is_in_exactly_one_group(qs):
    groups = group(qs)
    ids = [qid for g in groups for qid in g]
    assert sorted(ids) == [qid for qid, _ in qs]
    assert all(g for g in groups)


@given(questions)
def test_questions_with_the_same_words_share_a_group(qs):
    where = {qid: i for i, g in enumerate(group(qs)) for qid in g}
    for a, wa in qs:
        for b, wb in qs:
            if wa == wb:
                assert where[a] == where[b]


@given(words, words)
def test_similarity_is_symmetric_and_bounded(a, b):
    assert similarity(a, b) == similarity(b, a) and 0.0 <= similarity(a, b) <= 1.0


def test_real_thai_questions_group_by_topic():
    texts = ["ห้องประชุมชั้น 5 จองผ่านระบบไหนคะ", "จองห้องประชุมชั้น 5 ยังไง", "ขอแบบฟอร์มลาพักผ่อน"]
    qs = [(i, frozenset(query_tokens(t))) for i, t in enumerate(texts)]
    assert group(qs) == [[0, 1], [2]]
