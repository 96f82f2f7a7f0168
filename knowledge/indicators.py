"""The indicator catalogue of one fiscal year (``knowledge/indicators/fyNNNN.yaml``), loaded and checked: the
names the rest of the bot imports. The parts live in ``knowledge/kpi/``, one subject a module.

Staff edit these files and start a new one each year, so a mistake must be reported with the file, the
indicator and the field, in Thai and English, when the file is loaded - not as a wrong score later. The
field meanings are explained in the header of ``fy2567.yaml``.

Run ``python -m knowledge.indicators [file ...]`` to check files after editing them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from knowledge.kpi.files import CATALOGUE_DIR, FILE_RE, dump_catalogue, latest_catalogue_path, load_catalogue
from knowledge.kpi.parse import SHORT_MAX, parse_catalogue
from knowledge.kpi.schema import (
    Catalogue,
    CatalogueError,
    Component,
    Indicator,
    Pmqa,
    PmqaBand,
    PmqaTargets,
    Round,
    RoundTargets,
)


def main(argv: list[str]) -> int:
    """Check the given files (default: every ``fyNNNN.yaml``) and print one line each."""
    paths = [Path(a) for a in argv] or sorted(CATALOGUE_DIR.glob("fy*.yaml"))
    status = 0
    for path in paths:
        try:
            cat = load_catalogue(path)
        except CatalogueError as exc:
            print(f"ERROR: {exc}", file=sys.stderr)
            status = 1
            continue
        print(f"OK: {path.name} ปีงบประมาณ {cat.fiscal_year}, {len(cat.indicators)} ตัวชี้วัด")
    return status


__all__ = ["CATALOGUE_DIR", "FILE_RE", "SHORT_MAX", "Catalogue", "CatalogueError", "Component", "Indicator", "Pmqa",
           "PmqaBand", "PmqaTargets", "Round", "RoundTargets", "dump_catalogue", "latest_catalogue_path",
           "load_catalogue", "main", "parse_catalogue"]

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
