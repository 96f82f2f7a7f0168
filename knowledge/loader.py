"""Load the knowledge files, check them, and hand back entries."""

from __future__ import annotations

from pathlib import Path

import yaml

from knowledge.derived import derived_entries
from knowledge.schema import Entry, SchemaError, check_links, parse_entry
from knowledge.yamltext import read_yaml


def load_yaml(path: Path) -> object:
    try:
        with path.open(encoding="utf-8") as fh:
            return read_yaml(fh.read())
    except yaml.YAMLError as exc:
        raise SchemaError(f"{path.name}: อ่าน YAML ไม่ได้ (invalid YAML): {exc}") from exc


def load_entry_files(folder: Path) -> list[Entry]:
    """Every ``*.yaml`` under ``folder`` (sorted, so ids and errors are stable)."""
    entries: list[Entry] = []
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise SchemaError(f"{folder}: ไม่พบไฟล์ความรู้ (*.yaml) (no knowledge files)")
    for path in files:
        data = load_yaml(path)
        if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
            raise SchemaError(f"{path.name}: ไฟล์ต้องมี 'entries:' เป็นรายการ (file must have an 'entries' list)")
        for i, raw in enumerate(data["entries"], start=1):
            entry = parse_entry(raw, f"{path.name} รายการที่ {i}")
            entries.append(Entry(**{**entry.__dict__, "origin": path.name}))
    return entries


def load_entries(knowledge_dir: Path) -> list[Entry]:
    """All entries the bot answers from: the PMQA files plus entries derived from the catalogues."""
    entries = load_entry_files(knowledge_dir / "pmqa") + derived_entries(knowledge_dir)
    check_links(entries)
    return entries
