"""Indicator files on disk: loading one (its year must match its name), finding the newest, and writing a
catalogue back as plain data in the file's shape (what the database keeps of an imported year)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from knowledge.kpi.fields import Where
from knowledge.kpi.numbers import plain
from knowledge.kpi.parse import parse_catalogue
from knowledge.kpi.schema import Catalogue, CatalogueError, RoundTargets
from knowledge.yamltext import read_yaml

CATALOGUE_DIR = Path(__file__).resolve().parent.parent / "indicators"
FILE_RE = re.compile(r"^fy(\d{4})\.ya?ml$")


def load_catalogue(path: str | Path) -> Catalogue:
    """Read and check one ``fyNNNN.yaml``; the year in the file name must match ``fiscal_year``."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8") as fh:
            data = read_yaml(fh.read())
    except OSError as exc:
        raise CatalogueError(f"{path}: เปิดไฟล์ไม่ได้ (cannot open file): {exc}") from exc
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{path.name}: อ่าน YAML ไม่ได้ (invalid YAML): {exc}") from exc
    catalogue = parse_catalogue(data, path.name)
    named = FILE_RE.match(path.name)
    if named and int(named.group(1)) != catalogue.fiscal_year:
        Where(path.name).fail(
            "fiscal_year",
            f"ปีงบประมาณ {catalogue.fiscal_year} ไม่ตรงกับชื่อไฟล์",
            f"fiscal_year {catalogue.fiscal_year} does not match the file name",
        )
    return catalogue


def latest_catalogue_path(folder: Path = CATALOGUE_DIR) -> Path:
    """The newest ``fyNNNN.yaml`` in ``folder`` (by the year in its name)."""
    files = sorted((int(m.group(1)), p) for p in folder.glob("fy*.y*ml") if (m := FILE_RE.match(p.name)))
    if not files:
        raise CatalogueError(f"{folder}: ไม่พบไฟล์ตัวชี้วัด fyNNNN.yaml (no indicator files)")
    return files[-1][1]



def dump_catalogue(cat: Catalogue) -> dict[str, Any]:
    """The catalogue as plain data in the file's shape; ``parse_catalogue(dump_catalogue(c), ...) == c``."""

    def targets(t: RoundTargets) -> dict[str, Any]:
        out: dict[str, Any] = {"min": plain(t.min), "standard": plain(t.standard), "high": plain(t.high)}
        if t.result is not None:
            out["result"] = plain(t.result)
        if t.result_text is not None:
            out["result_text"] = t.result_text
        return out

    data: dict[str, Any] = {
        "fiscal_year": cat.fiscal_year,
        "title": cat.title,
        "source": cat.source,
        "notes": list(cat.notes),
        "components": [
            {"number": c.number, "name": c.name, "short": c.short, "weight": plain(c.weight), "rounds": list(c.rounds)}
            for c in cat.components
        ],
        "rounds": [{"months": r.months, "name": r.name, "period": r.period} for r in cat.rounds],
        "indicators": [
            {
                "number": i.number,
                "component": i.component,
                "name": i.name,
                "weight": plain(i.weight),
                "unit": i.unit,
                "measure": i.measure,
                "direction": i.direction,
                "aliases": list(i.aliases),
                **({"short": i.short} if i.short else {}),
                **({"counted": i.counted} if i.counted else {}),
                "rounds": {m: targets(t) for m, t in i.rounds.items()},
            }
            for i in cat.indicators
        ],
    }
    if cat.pmqa is not None:
        p = cat.pmqa
        data["pmqa"] = {
            "name": p.name,
            "group": p.group,
            "targets": None
            if p.targets is None
            else {"min": plain(p.targets.min), "standard": plain(p.targets.standard),
                  "high": plain(p.targets.high)},
            "category7": [{"label": b.label, "points": list(b.points), "count": b.count} for b in p.category7],
            "source": p.source,
        }
    return data
