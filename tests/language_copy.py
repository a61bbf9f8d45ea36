"""A copy of the project with one more language added the README's way: files only (the
registry entry, State names, templates, a compiled catalog), no code."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import yaml
from babel.messages.pofile import read_po, write_po

from ccmkit.resources import locales_dir

ROOT = Path(__file__).resolve().parents[1]


def project_with_language(tmp_path: Path, code: str, entry: str,
                          names: Callable[[dict], dict], templates: Mapping[str, str],
                          translations: Mapping[str, str]) -> Path:
    """The copied package's ``src`` folder, with language `code` added.

    `entry` is its languages.yaml text; `names(record)` gives a State's names in it;
    `templates` maps ``<kind>/<code>.html.j2`` (or .yaml) to its text; `translations` fills
    the catalog (other messages keep their English text)."""
    src = tmp_path / "project" / "src"
    shutil.copytree(ROOT / "src", src, ignore=shutil.ignore_patterns("__pycache__"))
    package = src / "ccmkit"
    data = package / "data" / "shipped"
    with (data / "languages.yaml").open("a", encoding="utf-8") as handle:
        handle.write(entry)
    states = yaml.safe_load((data / "states.yaml").read_text(encoding="utf-8"))
    for record in states:
        record["names"][code] = names(record)
    (data / "states.yaml").write_text(yaml.safe_dump(states, allow_unicode=True),
                                      encoding="utf-8")
    for relpath, text in templates.items():
        (package / "templates" / relpath).write_text(text, encoding="utf-8")
    with (locales_dir() / "ccmkit.pot").open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id:
            message.string = translations.get(str(message.id), str(message.id))
    catalog.fuzzy = False
    target = package / "locales" / code / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "ccmkit.po").open("wb") as handle:
        write_po(handle, catalog)
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), "compile", "-d", str(package / "locales"), "-D", "ccmkit",
                    "-l", code], check=True, capture_output=True)
    return src


def run_ccmkit(src: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """The CLI of the copied project, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "ccmkit", *args], cwd=cwd,
                          capture_output=True, text=True,
                          env={"PYTHONPATH": str(src), "HOME": str(cwd),
                               "PATH": os.environ.get("PATH", "/usr/bin:/bin")})
