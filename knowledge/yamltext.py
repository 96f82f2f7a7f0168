"""Reading YAML safely and fast: the one parser every knowledge file (entries, catalogues, plans) goes through."""

from __future__ import annotations

import yaml

#: libyaml's C parser when PyYAML was built with it (it is in the wheels): much faster at start-up.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(text: str) -> object:
    """Parse YAML safely (plain data only, no Python objects)."""
    return yaml.load(text, Loader=SafeLoader)  # noqa: S506 - a safe loader
