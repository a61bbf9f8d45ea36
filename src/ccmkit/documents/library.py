"""Content libraries (Q&A entries, legislative clauses): YAML beside the templates.

A library is `<name>/<metadata>.yaml` (language-independent: ids, tags, conditions) plus
`<name>/<lang>.yaml` (the texts). A --template-dir may replace either file.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ccmkit.errors import CcmkitError
from ccmkit.resources import templates_dir


def library_file(relpath: str, template_dir: Path | None = None) -> Path:
    """The user's copy of a content file if there is one, else the shipped one."""
    if template_dir and (template_dir / relpath).is_file():
        return template_dir / relpath
    return templates_dir() / relpath


def load_yaml(relpath: str, template_dir: Path | None = None) -> Any:
    """Parse a content file, with a one-line error naming the file and line."""
    path = library_file(relpath, template_dir)
    try:
        return _parse(path, path.stat().st_mtime_ns)
    except FileNotFoundError:
        raise CcmkitError(f"content file {path} not found") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark else ""
        raise CcmkitError(f"{path}{line}: invalid YAML ({getattr(exc, 'problem', exc)})") from None


@lru_cache(maxsize=64)
def _parse(path: Path, mtime: int) -> Any:
    """Parsed once per file version (content files are read for every State of a batch)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)


def matches(conditions: Mapping[str, list[str]] | None, facts: Mapping[str, str]) -> bool:
    """True when every condition lists the State's value (an empty condition set matches)."""
    return all(facts.get(key) in allowed for key, allowed in (conditions or {}).items())


def state_facts(subject: Any) -> dict[str, str]:
    """The State attributes content conditions may test."""
    state = subject.state
    return {
        "status": state.status,
        **{key: state.value(key) for key in
           ("stockpiles", "contamination", "producer", "used", "mine_ban_treaty",
            "legal_tradition")},
    }
