"""The checker's rules as data (``knowledge/adr/checker.yaml``), checked when loaded.

The cue words, the limit and the assessed year change with the content, not with the code, so staff edit
the YAML; this module says which field is wrong instead of failing later.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from knowledge.loader import load_yaml
from knowledge.schema import SchemaError

RULES_FILE = Path(__file__).resolve().parent.parent / "knowledge" / "adr" / "checker.yaml"
COMPONENTS = ("approach", "deployment", "result")


@dataclass(frozen=True)
class Cues:
    """One ADR component: what it is called and the words that show it (strong = 2 points, weak = 1)."""

    name: str
    label: str
    thai: str
    strong: tuple[str, ...]
    weak: tuple[str, ...]
    #: Phrases taken out of a sentence before this component's cues are looked for ("ติดตามผล" is not a result).
    masks: tuple[str, ...] = ()
    #: Whether numbers that are not years or labels count for this component (one point each, at most two).
    quantities: bool = False


@dataclass(frozen=True)
class Rules:
    assessed_year: int
    char_limit: int
    draft_max: int
    trend_years: int
    components: tuple[Cues, ...]
    continuing: tuple[str, ...]
    improved: tuple[str, ...]
    trend: tuple[str, ...]
    generic_terms: frozenset[str]
    criteria_share: float


def _words(raw: dict[str, Any], name: str, where: str) -> tuple[str, ...]:
    value = raw.get(name)
    if not isinstance(value, list) or not value or not all(isinstance(v, str | int) and str(v).strip() for v in value):
        raise SchemaError(f"{where}: '{name}' ต้องเป็นรายการคำที่ไม่ว่าง ('{name}' must be a non-empty list of words)")
    return tuple(str(v).strip() for v in value)


def _int(raw: dict[str, Any], name: str, low: int, high: int) -> int:
    value = raw.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise SchemaError(f"{RULES_FILE.name}: '{name}' ต้องเป็นจำนวนเต็ม {low}–{high} ('{name}' must be an integer)")
    return value


def parse_rules(raw: Any, where: str = RULES_FILE.name) -> Rules:
    """Check the raw YAML and build :class:`Rules`."""
    if not isinstance(raw, dict):
        raise SchemaError(f"{where}: ไฟล์ต้องเป็น mapping (the file must be a mapping)")
    comps = raw.get("components")
    if not isinstance(comps, dict) or set(comps) != set(COMPONENTS):
        raise SchemaError(f"{where}: 'components' ต้องมี {', '.join(COMPONENTS)} ครบ")
    components = []
    for name in COMPONENTS:
        c = comps[name]
        at = f"{where} components.{name}"
        if not isinstance(c, dict) or not isinstance(c.get("label"), str) or not isinstance(c.get("thai"), str):
            raise SchemaError(f"{at}: ต้องมี label และ thai (needs label and thai)")
        masks = _words(c, "masks", at) if "masks" in c else ()
        if not isinstance(c.get("quantities", False), bool):
            raise SchemaError(f"{at}: 'quantities' ต้องเป็น true หรือ false")
        components.append(Cues(name, c["label"], c["thai"], _words(c, "strong", at), _words(c, "weak", at),
                               masks, bool(c.get("quantities", False))))
    share = raw.get("criteria_share")
    if not isinstance(share, int | float) or isinstance(share, bool) or not 0 < share <= 1:
        raise SchemaError(f"{where}: 'criteria_share' ต้องอยู่ระหว่าง 0 ถึง 1")
    return Rules(
        assessed_year=_int(raw, "assessed_year", 2500, 2700),
        char_limit=_int(raw, "char_limit", 100, 100_000),
        draft_max=_int(raw, "draft_max", 100, 100_000),
        trend_years=_int(raw, "trend_years", 2, 10),
        components=tuple(components),
        continuing=_words(raw, "continuing", where),
        improved=_words(raw, "improved", where),
        trend=_words(raw, "trend", where),
        generic_terms=frozenset(_words(raw, "generic_terms", where)),
        criteria_share=float(share),
    )


@lru_cache(maxsize=4)
def load_rules(path: Path = RULES_FILE) -> Rules:
    """The rules in ``path`` (read once per process)."""
    return parse_rules(load_yaml(path), path.name)


def rules_path(knowledge_dir: Path) -> Path:
    """The rules file of a knowledge folder (``KNOWLEDGE_DIR``), or the project's when the folder has none."""
    own = knowledge_dir / "adr" / RULES_FILE.name
    return own if own.exists() else RULES_FILE


__all__ = ["COMPONENTS", "RULES_FILE", "Cues", "Rules", "load_rules", "parse_rules", "rules_path"]
