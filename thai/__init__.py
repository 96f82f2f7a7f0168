"""Thai text handling for the chatbot: clean up what staff type so that lookup still works.

Pure functions over ``str``, fully offline (PyThaiNLP's bundled dictionary only). Call
``warm_up()`` once at start so the first message does not pay for building the tables.

- ``normalize`` / ``fold``: one canonical spelling (and its casefolded form for command matching).
- ``fix_layout``: words typed with the wrong keyboard layout ("s,;f 6" → "หมวด 6").
- ``number_words_to_digits``: "ตัวชี้วัดที่สาม" → "ตัวชี้วัดที่ 3".
- ``correct_domain``: misspelt domain words ("ตัวชีวัด" → "ตัวชี้วัด").
- ``tokenize``: words for BM25, domain words kept whole.
- ``prepare`` / ``analyze``: the whole pipeline, as text and as tokens.
"""

from __future__ import annotations

import os

# Everything this package needs ships in the PyThaiNLP wheel; never let it try a download.
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

from thai.keyboard import fix_layout
from thai.normalize import fold, normalize
from thai.numbers import number_words_to_digits
from thai.pipeline import analyze, prepare
from thai.spelling import correct_domain
from thai.tokenize import tokenize, warm_up
from thai.vocabulary import DOMAIN_WORDS, ENGLISH_WORDS

__all__ = [
    "DOMAIN_WORDS",
    "ENGLISH_WORDS",
    "analyze",
    "correct_domain",
    "fix_layout",
    "fold",
    "normalize",
    "number_words_to_digits",
    "prepare",
    "tokenize",
    "warm_up",
]
