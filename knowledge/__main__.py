"""``python -m knowledge``: check the knowledge files and print a count (same as ``flask kb check``)."""

import sys

from core.config import PROJECT_ROOT
from knowledge.loader import load_entries
from knowledge.schema import SchemaError

try:
    entries = load_entries(PROJECT_ROOT / "knowledge")
except SchemaError as exc:
    print(f"ERROR: {exc}", file=sys.stderr)
    sys.exit(1)
print(f"OK: {len(entries)} entries")
