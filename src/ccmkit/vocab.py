"""Every controlled vocabulary of ccmkit, once. Schemas, the CLI, the web and tests import these.

Each vocabulary is a ``Literal`` type (for mypy and pydantic) and the tuple of its values (for
Click choices and loops); ``values_of`` keeps the two from drifting apart.
"""

from __future__ import annotations

from typing import Literal, get_args


def values_of(literal: object) -> tuple[str, ...]:
    """The values of a ``Literal`` type, in declaration order."""
    return tuple(get_args(literal))


# Convention status (status table) and the routes to be bound (Art. 16).
Status = Literal["state_party", "signatory", "not_signed", "withdrawn"]
STATUSES = values_of(Status)
OUTSIDE = "outside"  # selector: every State that is not a State Party
OUTSIDE_STATUSES: tuple[Status, ...] = ("signatory", "not_signed", "withdrawn")
STATUS_SELECTORS = (*STATUSES, OUTSIDE)
Route = Literal["ratification", "acceptance", "approval", "accession"]
ROUTES = values_of(Route)
SignatoryRoute = Literal["ratification", "acceptance", "approval"]
SIGNATORY_ROUTES = values_of(SignatoryRoute)

# The five barrier categories of the 2025-2026 universalization work plan (internal only).
Barrier = Literal[
    "legal_technical", "defence_security", "regional_alignment", "awareness", "bandwidth"
]
BARRIERS = values_of(Barrier)

# Facts about a State (observations with sources). `unga_vote` is a family: the fact's name
# carries the year of the vote (`unga_vote_2022`).
FactName = Literal[
    "stockpiles", "contamination", "producer", "used", "mine_ban_treaty", "unga_vote",
    "legal_tradition", "official_languages", "stated_position", "ccm_withdrawal_effective",
    "concerns", "engagement",
]
FACT_NAMES = values_of(FactName)
UNGA_VOTE = "unga_vote"
# Facts whose value is a yes/no token (with an optional qualifier in brackets).
YesNo = Literal["yes", "no", "unconfirmed", "unknown"]
YES_NO = values_of(YesNo)
Vote = Literal["yes", "no", "abstain", "absent", "unknown"]
VOTES = values_of(Vote)
LegalTradition = Literal[
    "common_law", "civil_law", "muslim_law", "customary_law", "mixed", "in_transition", "unknown"
]
LEGAL_TRADITIONS = values_of(LegalTradition)
TOKEN_FACTS: dict[str, tuple[str, ...]] = {
    "stockpiles": YES_NO, "contamination": YES_NO, "producer": YES_NO, "used": YES_NO,
    "mine_ban_treaty": YES_NO, UNGA_VOTE: VOTES, "legal_tradition": LEGAL_TRADITIONS,
}
TEXT_FACTS = ("official_languages", "stated_position")
DATE_FACTS = ("ccm_withdrawal_effective",)
UNKNOWN = "unknown"
# A State's stated reasons for staying out, and what it has done towards joining: multi-valued
# facts, classified from the sources (one or more values per observation, separated by ";").
Concern = Literal[
    "security_defence", "stockpile_destruction", "clearance_capacity", "users_responsibility",
    "interoperability", "definition", "insufficient_ambition", "process_outside_un",
    "territorial_conflict", "regional_alignment", "capacity_priority", "none_stated",
]
CONCERNS = values_of(Concern)
Engagement = Literal["pledged", "process_under_way", "considering", "de_facto_compliance",
                     "voluntary_report", "supports_norm", "none"]
ENGAGEMENTS = values_of(Engagement)
LIST_FACTS: dict[str, tuple[str, ...]] = {"concerns": CONCERNS, "engagement": ENGAGEMENTS}
NOTHING: dict[str, str] = {"concerns": "none_stated", "engagement": "none"}  # "no value stated"
REVERSES = "reverses"  # qualifier of an observation that replaces the earlier ones of its fact
# Staleness: years after which an observation of a fact should be re-checked (None: never;
# UNGA votes are stale once the next annual vote is due, see Observation.stale).
STALE_AFTER_YEARS = 3
STALE_AFTER: dict[str, float | None] = {
    "legal_tradition": None, "official_languages": None, "ccm_withdrawal_effective": None,
    "mine_ban_treaty": 5,
}
UNGA_VOTE_MONTH = 12  # the annual UNGA resolution on the Convention is voted in December

# Outgoing documents, formats, variants.
DocKind = Literal["cover_note", "instrument", "full_powers", "steps", "qa", "legislation"]
DOC_KINDS = values_of(DocKind)
Format = Literal["docx", "pdf"]
FORMATS = values_of(Format)
Legislation = Literal["minimal", "full"]
LEGISLATION_VARIANTS = values_of(Legislation)
QaLength = Literal["basic", "full"]
QA_LENGTHS = values_of(QaLength)
Drafting = Literal["common-law", "civil-law"]
DRAFTING_STYLES = values_of(Drafting)
# Content-library conditions: the State attributes a Q&A entry or a clause may test.
ConditionKey = Literal["status", "stockpiles", "contamination", "producer", "used",
                       "mine_ban_treaty", "legal_tradition"]
CONDITION_KEYS = values_of(ConditionKey)
# Model legislation: the parts of the law and how far the Convention requires each clause.
LawPart = Literal["general", "prohibitions", "offences", "exceptions", "obligations",
                  "administration", "final"]
LAW_PARTS = values_of(LawPart)
ClauseLevel = Literal["required", "recommended", "optional"]
CLAUSE_LEVELS = values_of(ClauseLevel)
SignatoryTitle = Literal["minister_for_foreign_affairs", "head_of_state", "head_of_government"]
SIGNATORY_TITLES = values_of(SignatoryTitle)

# Internal workbench outputs.
InternalKind = Literal["brief", "targets", "barrier_map", "messaging"]
INTERNAL_KINDS = values_of(InternalKind)

# Outreach follow-up log.
Stage = Literal["contacted", "meeting-held", "next-step-agreed"]
STAGES = values_of(Stage)
Channel = Literal["geneva", "capital", "regional", "other"]
CHANNELS = values_of(Channel)
Role = Literal["editor", "viewer"]
ROLES = values_of(Role)

# Generation jobs (ccmkit.jobs.store): queued and running are active (they count against the
# per-user quota); the others are final.
JobState = Literal["queued", "running", "done", "failed", "cancelled", "interrupted"]
JOB_STATES = values_of(JobState)
ACTIVE_JOB_STATES = ("queued", "running")

# Groupings used for regional outreach (membership in data/shipped/groupings.yaml).
Grouping = Literal[
    "ASEAN", "CARICOM", "AU", "AMU", "CEN-SAD", "COMESA", "EAC", "ECCAS", "ECOWAS", "IGAD",
    "SADC", "PIF", "LAS",
]
GROUPINGS = values_of(Grouping)
