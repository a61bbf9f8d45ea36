"""The public API (re-exported by ``ccmkit``): the CLI, the batch and the web call these.

State + profile + options are assembled in one place, :func:`prepare` of a
:class:`PackageRequest`: State look-up, the profile's own State check, the deposit date and the
eligibility of the requested kinds, the same for `package`, `brief`, `timeline`, `batch`, the
web and the tests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from ccmkit.data.profile import Profile, check_profile_state, load_profile, profile_from_mapping
from ccmkit.data.states import Registry, State
from ccmkit.documents.options import Options
from ccmkit.documents.subject import Subject
from ccmkit.errors import CcmkitError, DataError, NotEligible
from ccmkit.vocab import DOC_KINDS


def load_registry(status_file: Path | None = None, status_as_of: str | None = None,
                  data_dir: Path | None = None) -> Registry:
    """The State data: shipped, updated by the user's data folder and status table."""
    from ccmkit.data.states import load_registry as load

    return load(status_file, status_as_of, data_dir)


def find_state(registry: Registry, query: str) -> State:
    """A State by ISO code or name; StateNotFound (with suggestions) otherwise."""
    return registry.find(query)


def read_profile(profile: Path | Profile | Mapping[str, Any] | None, where: str = "") -> Profile:
    """A validated profile from a file, an already-parsed mapping, or a Profile."""
    if profile is None:
        return Profile()
    if isinstance(profile, Profile):
        return profile
    if isinstance(profile, Path):
        return load_profile(profile)
    where = where or "profile"
    return replace(profile_from_mapping(dict(profile), where), path=Path(where))


@dataclass(frozen=True)
class PackageRequest:
    """What a front end asks for: a State (code or name), its profile, the options, and the
    document kinds (outgoing, or ``brief``) whose eligibility the State must meet."""

    state: str
    profile: Path | Profile | Mapping[str, Any] | None = None
    options: Options = field(default_factory=Options)
    kinds: tuple[str, ...] = DOC_KINDS
    profile_where: str = ""
    # The State's saved settings by ISO3 (ccmkit.log.settings), used when no profile is given.
    settings: Callable[[str], Mapping[str, Any] | None] | None = None


def prepare(registry: Registry, request: PackageRequest) -> Subject:
    """The State (profile merged) with its options, checked: the one front door of the CLI,
    the batch, the web and the tests.

    Raises StateNotFound, DataError (bad profile, or a profile naming another State) and
    NotEligible (a State whose status a requested kind is not for: the package and the brief
    are for States outside the Convention; ``kinds=()`` asks for none, as `timeline` does).
    """
    found = registry.find(request.state)
    profile, where = request.profile, request.profile_where
    if profile is None and request.settings is not None:
        profile, where = request.settings(found.iso3), f"settings of {found.iso3}"
    loaded = read_profile(profile, where)
    check_profile_state(loaded, found)
    merged = loaded.apply(found)
    subject = Subject(merged, registry, loaded, request.options)
    check_choices(subject, loaded.instrument, f"{loaded.path or 'the profile'}: key 'instrument'")
    check_choices(subject, request.options.instrument, "--instrument")
    given, planned = subject.options.deposit_date, loaded.planned_deposit_date
    if given and planned and given != planned:
        raise DataError(f"--deposit-date {given} and the profile's planned_deposit_date "
                        f"{planned} differ; give one")
    check_deposit(subject)
    check_eligible(merged, request.kinds, registry.status.as_of)
    return subject


def check_eligible(state: State, kinds: Sequence[str], as_of: str) -> None:
    """NotEligible when a requested document kind is not for the State's status (the one
    eligibility rule)."""
    from ccmkit.documents.kinds import eligible_statuses

    for kind in dict.fromkeys(kinds):
        allowed = eligible_statuses(kind)
        if state.status in allowed:
            continue
        what = f"ccmkit's {kind.replace('_', ' ')}"
        if state.status == "state_party":
            raise NotEligible(
                f"{state.un_name} ({state.iso3}) is already a State Party (status as of "
                f"{as_of}); {what} is for States outside the Convention: check the State or "
                "pass an updated --status-file")
        raise NotEligible(f"{state.un_name} ({state.iso3}) is {state.status.replace('_', ' ')} "
                          f"(status as of {as_of}); {what} is for "
                          f"{', '.join(s.replace('_', ' ') for s in allowed)} States only")


def check_choices(subject: Subject, instrument: str | None, where: str) -> None:
    """Refuse an explicit instrument that cannot apply to the State (Art. 16): a State that
    has not signed can only accede; a signatory ratifies, accepts or approves."""
    state = subject.state
    if instrument is None or state.status == "state_party":
        return
    if state.status != "signatory" and instrument != "accession":
        raise CcmkitError(f"{where} is {instrument!r}, but {state.un_name} ({state.iso3}) has "
                          "not signed the Convention and can only accede; drop it")
    if state.status == "signatory" and instrument == "accession":
        raise CcmkitError(f"{where} is 'accession', but {state.un_name} ({state.iso3}) signed "
                          "the Convention: it ratifies, accepts or approves; drop it or choose "
                          "one of those")


def check_deposit(subject: Subject, deposit: date | None = None) -> None:
    """Refuse a deposit date before adoption or signature, far ahead, or past without
    ``historical`` (rule in ccmkit.treaty.check_deposit_date)."""
    from ccmkit.treaty import check_deposit_date

    deposit = deposit or subject.deposit_date
    if deposit is None:
        return
    problem = check_deposit_date(deposit, date.today(), subject.state.membership.signature_date,
                                 subject.options.historical)
    if problem:
        raise CcmkitError(f"{subject.state.iso3}: {problem}")


def render_document(subject: Subject, kind: str, lang: str,
                    formats: Sequence[str] = ("docx", "pdf")) -> dict[str, bytes]:
    """One document of a State's package in one language: {format: bytes}."""
    from ccmkit.package import render_document as render

    return {f.fmt: f.data for f in render(subject, kind, lang, formats)}


def build_package(
    subject: Subject,
    out: Path,
    languages: Sequence[str] = ("auto",),
    formats: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
    *,
    force: bool = False,
    zipped: bool = False,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Render a State's package and replace ``out/<ISO3>`` as a whole; return its manifest.

    ``languages`` may hold ``auto`` (the State's package languages); repeats count once.
    """
    from ccmkit.package import build_package as build
    from ccmkit.package import resolve_languages
    from ccmkit.vocab import DOC_KINDS, FORMATS

    langs = resolve_languages(languages, subject.state.languages)
    return build(subject, out, langs, formats or FORMATS, kinds or DOC_KINDS, extra,
                 force=force, zipped=zipped)
