"""Planning, pure: a selection of States becomes one Task per State, each with its input
fingerprint. Nothing is written; the only I/O is reading the inputs (a --from CSV, profiles,
the files a fingerprint covers)."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from ccmkit._version import __version__
from ccmkit.data.states import Registry
from ccmkit.documents.options import OptionField, Options, option_fields
from ccmkit.documents.options import make_options as build_options
from ccmkit.errors import CcmkitError, DataError
from ccmkit.output import sha256
from ccmkit.package import resolve_languages, unique
from ccmkit.resources import locales_dir, shipped_data_dir, templates_dir

# A --from CSV: `state`, a column per document option (ccmkit.documents.options; an option
# backed by a State setting feeds the row's profile, the others the row's options), and the
# profile's own columns.
CSV_OPTIONS: dict[str, OptionField] = {f.name: f for f in option_fields("csv")}
CSV_FACT_COLUMNS = ("stockpiles", "contamination", "legal_tradition", "mine_ban_treaty")
CSV_PROFILE_COLUMNS = ("planned_deposit_date", "languages", *CSV_FACT_COLUMNS)
CSV_COLUMNS = ("state", *CSV_OPTIONS, *CSV_PROFILE_COLUMNS)
YES_NO = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}

Selection = list[tuple[str, dict[str, str], str]]  # (State query, CSV values, where)
MAX_LIST_BYTES = 1 << 20


@dataclass(frozen=True)
class Task:
    """One State of a job: what to generate and from which inputs."""

    code: str
    name: str
    status: str
    languages: tuple[str, ...]
    kinds: tuple[str, ...]
    formats: tuple[str, ...]
    options: Options
    profile: dict[str, Any] = field(default_factory=dict)
    profile_where: str = ""
    fingerprint: str = ""
    error: str = ""  # a problem found while planning (e.g. a broken profile)

    @property
    def cost(self) -> int:
        """Documents to render: languages × kinds × formats."""
        return len(self.languages) * len(self.kinds) * len(self.formats)


def read_state_csv(path: Path) -> Selection:
    """Rows of a --from CSV: the `state` column, the profile values of the others, the line."""
    if path.exists() and not path.is_file():
        raise DataError(f"state list {path} is not a regular file; give a CSV file")
    if path.is_file() and path.stat().st_size > MAX_LIST_BYTES:
        raise DataError(f"state list {path} is larger than 1 MiB; a list of States is smaller")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            if "state" not in columns:
                raise DataError(f"{path}: no 'state' column; add a header row with 'state'")
            unknown = [c for c in columns if c not in CSV_COLUMNS]
            if unknown:
                raise DataError(f"{path}: unknown column {str(unknown[0])[:40]!r}; expected "
                                f"{', '.join(CSV_COLUMNS)}")
            rows = []
            for row in reader:
                if None in row:
                    raise DataError(f"{path}, line {reader.line_num}: more values than "
                                    "columns; check the commas on that line")
                query = (row.get("state") or "").strip()
                if query:
                    values = {k: (v or "").strip() for k, v in row.items()
                              if k != "state" and (v or "").strip()}
                    rows.append((query, values, f"line {reader.line_num}"))
            return rows
    except FileNotFoundError:
        raise DataError(f"state list {path} not found: give an existing CSV file") from None
    except UnicodeDecodeError:
        raise DataError(f"{path}: not UTF-8 text; save the CSV as UTF-8") from None
    except csv.Error as exc:
        raise DataError(f"{path}: malformed CSV ({exc}); save it again as CSV") from None


def select(registry: Registry, *, statuses: Sequence[str] = (), region: str | None = None,
           subregion: str | None = None, group: str | None = None, codes: str | None = None,
           from_csv: Path | None = None, kinds: Sequence[str] = ()) -> Selection:
    """The States of a batch: a --from list, --states codes, or a selection by status
    (default: outside), region, sub-region and grouping, kept to the States some requested
    kind is made for. CcmkitError when the selection is contradictory or empty."""
    from ccmkit.documents.kinds import kinds_for

    filters = [name for name, given in (("--status", statuses), ("--region", region),
                                        ("--subregion", subregion)) if given]
    if (from_csv or codes) and filters:
        raise CcmkitError(f"{'--from' if from_csv else '--states'} names the States; "
                          f"{', '.join(filters)} would be ignored: drop one or the other")
    if from_csv:
        selection = read_state_csv(from_csv)
    elif codes:
        selection = split_states(codes)
    else:
        chosen = registry.select(tuple(statuses) or ("outside",), region, subregion, group)
        selection = [(s.iso3, {}, "") for s in chosen if kinds_for(s.status, tuple(kinds))]
        if chosen and not selection:
            raise CcmkitError(f"the selection holds only States Parties ({len(chosen)}), which "
                              "get no package; select States outside the Convention")
    if not selection:
        raise CcmkitError("no State matches the selection; check --status/--region/--subregion")
    return selection


def split_states(codes: str) -> Selection:
    """``--states KEN,HTI`` as a selection."""
    return [(c.strip(), {}, "--states") for c in codes.split(",") if c.strip()]


def _split(value: str) -> list[str]:
    return [v for v in re.split(r"[;,\s]+", value) if v]


def csv_row_values(row: dict[str, str], where: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A CSV row as (profile keys, option values); DataError naming the column on a bad value.

    Lists are split on ';', ',' or spaces; yes/no columns take yes, no, true, false, 1, 0.
    """
    profile: dict[str, Any] = {}
    options: dict[str, Any] = {}
    for key, value in row.items():
        field = CSV_OPTIONS.get(key)
        if field is None:
            _profile_column(profile, key, value, where)
            continue
        raw: Any = _split(value) if field.multiple else value
        if field.kind is bool:
            raw = YES_NO.get(value.strip().lower())
            if raw is None:
                raise DataError(f"{where}: column {key!r} must be yes or no (got "
                                f"{value[:40]!r})")
        try:
            parsed = field.parse(raw)
        except ValueError as exc:
            raise DataError(f"{where}: column {key!r}: {exc}") from None
        if field.opt.setting:
            _profile_column(profile, field.opt.setting, parsed, where)
        else:
            options[key] = parsed
    return profile, options


def _profile_column(profile: dict[str, Any], key: str, value: Any, where: str) -> None:
    """One profile key of a CSV row (the two deposit-date columns must agree)."""
    if isinstance(value, date):
        value = value.isoformat()
    if key == "planned_deposit_date" and profile.get(key, value) != value:
        raise DataError(f"{where}: deposit_date and planned_deposit_date differ "
                        f"({profile[key]} and {value}); keep one")
    if key == "languages":
        value = _split(value)
    if key in CSV_FACT_COLUMNS:
        profile.setdefault("facts", {})[key] = {"value": value, "source": where}
    else:
        profile[key] = list(value) if isinstance(value, tuple) else value


def plan(
    registry: Registry,
    codes: Sequence[tuple[str, dict[str, str]] | tuple[str, dict[str, str], str]],
    *,
    languages: Sequence[str],
    also: Sequence[str] = (),
    kinds: Sequence[str],
    formats: Sequence[str],
    options: Options,
    profiles: Path | None = None,
    profile: dict[str, Any] | None = None,
    source_name: str = "",
    settings: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Task]:
    """One Task per selected State (each State once), with its profile and input fingerprint.

    ``profiles`` is a folder of ``<ISO3>.yaml``; ``profile`` one mapping given for every State;
    ``settings`` a mapping per ISO3 held in memory (the web's per-State settings and form
    choices), used for a State without a profile file. A problem with one entry (unknown
    State, State Party, broken profile, listed twice with different values) becomes that
    Task's error; the other States still run. Validation goes through the front door
    (``ccmkit.api.prepare``).
    """
    tasks: dict[str, Task] = {}
    rows: dict[str, tuple[dict[str, str], str]] = {}
    kinds, formats = tuple(unique(kinds)), tuple(unique(formats))
    for entry in codes:
        query, row = entry[0], entry[1]
        line = entry[2] if len(entry) > 2 else ""
        try:
            state = registry.find(query)
        except CcmkitError as exc:
            label = re.sub(r"[^\w .'’-]", "?", query)[:40]
            tasks[f"?{label}"] = Task(label, "", "", (), kinds, formats, options,
                                      error=str(exc))
            continue
        if state.iso3 in rows:
            first_row, first_line = rows[state.iso3]
            if first_row != row:
                listed = f"{source_name or 'the selection'} ({first_line} and {line})"
                tasks[state.iso3] = replace(tasks[state.iso3], error=(
                    f"{state.iso3} is listed twice in {listed} with different values; keep "
                    "one row"))
            continue
        rows[state.iso3] = (row, line)
        given = (settings or {}).get(state.iso3)
        task = _task(registry, state.iso3, row, options, kinds, formats, profiles,
                     dict(given) if given else profile, source_name, languages, also,
                     "settings" if given else "web form")
        tasks[state.iso3] = replace(task, fingerprint=fingerprint(task, registry))
    return list(tasks.values())


def _task(registry: Registry, iso3: str, row: dict[str, str], options: Options,
          kinds: tuple[str, ...], formats: tuple[str, ...], profiles: Path | None,
          profile: dict[str, Any] | None, source_name: str, languages: Sequence[str],
          also: Sequence[str], origin: str = "web form") -> Task:
    """One State's Task, its profile validated through the front door."""
    from ccmkit.api import PackageRequest, prepare
    from ccmkit.data.profile import read_profile

    state = registry.by_iso3(iso3)
    raw: Any = dict(profile or {})
    label = f"settings of {iso3}" if origin == "settings" else origin
    where = [label] if profile else []
    error = ""
    if profiles:
        path = profiles / f"{iso3}.yaml"
        if path.is_file() or path.is_symlink():
            where.append(str(path))
            try:
                raw = read_profile(path)
            except CcmkitError as exc:
                error = str(exc)
    if row and isinstance(raw, dict) and not error:
        try:
            row_profile, row_options = csv_row_values(row, f"batch list {source_name}")
            options = build_options(row_options, options)
        except (CcmkitError, ValueError) as exc:
            error = str(exc)
        else:
            raw = {**raw, **row_profile}
            where.append(f"{source_name} ({iso3})")
    state_languages = state.languages
    if not error:
        try:  # validated here so the plan is right; the worker gets the raw mapping
            subject = prepare(registry, PackageRequest(
                iso3, raw if raw else None, options, kinds,
                profile_where="; ".join(where) or iso3))
            state_languages = subject.state.languages
        except CcmkitError as exc:
            error = str(exc)
    langs = tuple(resolve_languages(languages, state_languages, also))
    return Task(iso3, state.un_name, state.status, langs, kinds, formats, options,
                raw if isinstance(raw, dict) else {}, "; ".join(where), error=error)


@cache
def _tree_digest(folder: str) -> str:
    """A digest of a folder's files; links are hashed as links, never followed."""
    digest = hashlib.sha256()
    root = Path(folder)
    for dirpath, dirnames, filenames in sorted(os.walk(root)):
        dirnames.sort()
        if "__pycache__" in dirpath:
            continue
        for name in sorted(filenames):
            path = Path(dirpath, name)
            digest.update(str(path.relative_to(root)).encode())
            if path.is_symlink():
                digest.update(b"link:" + os.fsencode(os.readlink(path)))
            elif path.is_file():
                digest.update(sha256(path.read_bytes()).encode())
    return digest.hexdigest()


def fingerprint(task: Task, registry: Registry) -> str:
    """A digest of every input of a State's package: data, profile, templates, options."""
    digest = hashlib.sha256()
    parts = [
        __version__,
        _tree_digest(str(shipped_data_dir())),
        _tree_digest(str(templates_dir())),
        _tree_digest(str(locales_dir())),
        *(part.hex() for part in registry.status.digest_inputs()),
        json.dumps(task.profile, sort_keys=True, default=str),
        json.dumps([task.languages, task.kinds, task.formats], sort_keys=True),
        task.options.model_dump_json(),
    ]
    if task.options.template_dir:
        parts.append(_tree_digest(str(task.options.template_dir)))
    if registry.data_dir is not None:
        parts.append(_tree_digest(str(registry.data_dir)))
    for part in parts:
        digest.update(part.encode())
    return digest.hexdigest()
