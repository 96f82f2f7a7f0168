"""Knowledge entries generated from the structured catalogues (indicators, activities).

The catalogues are the single truth for those facts; the knowledge base only derives its
answers from them, so an import of next year's indicators changes the answers too.
"""

from __future__ import annotations

from pathlib import Path

from knowledge.schema import Entry


def derived_entries(knowledge_dir: Path) -> list[Entry]:
    return []
