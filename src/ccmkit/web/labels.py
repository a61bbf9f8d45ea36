"""Interface labels for the values of ccmkit's vocabularies (the values stay in vocab.py).

Each label is marked with ``N_`` for extraction and translated when a page is shown; a test
checks that every value of each vocabulary has its label.
"""

from __future__ import annotations

from ccmkit.i18n import N_

STATUS = {
    "state_party": N_("State Party"),
    "signatory": N_("Signatory"),
    "not_signed": N_("Not signed"),
    "withdrawn": N_("Withdrawn"),
    "outside": N_("Outside the Convention"),
}
ROUTE = {
    "ratification": N_("ratification"),
    "acceptance": N_("acceptance"),
    "approval": N_("approval"),
    "accession": N_("accession"),
}
FACT = {
    "stockpiles": N_("Stockpiles of cluster munitions"),
    "contamination": N_("Contamination by cluster munition remnants"),
    "producer": N_("Producer of cluster munitions"),
    "used": N_("Has used cluster munitions"),
    "mine_ban_treaty": N_("Party to the Mine Ban Convention"),
    "unga_vote": N_("Vote on the UNGA resolution on the Convention"),
    "legal_tradition": N_("Legal tradition"),
    "official_languages": N_("Official languages"),
    "stated_position": N_("Stated position"),
    "ccm_withdrawal_effective": N_("Withdrawal from the Convention effective"),
    "concerns": N_("Stated concerns"),
    "engagement": N_("Engagement"),
}
VALUE = {
    "yes": N_("yes"),
    "no": N_("no"),
    "unconfirmed": N_("unconfirmed"),
    "unknown": N_("unknown"),
    "abstain": N_("abstained"),
    "absent": N_("absent"),
    "common_law": N_("common law"),
    "civil_law": N_("civil law"),
    "muslim_law": N_("Muslim law"),
    "customary_law": N_("customary law"),
    "mixed": N_("mixed"),
    "in_transition": N_("in transition"),
}
BARRIER = {
    "legal_technical": N_("Legal or technical"),
    "defence_security": N_("Defence and security posture"),
    "regional_alignment": N_("Regional political alignment"),
    "awareness": N_("Lack of awareness"),
    "bandwidth": N_("Not a priority / bandwidth"),
}
DOC_KIND = {
    "instrument": N_("Model instrument"),
    "steps": N_("Ratification steps note"),
    "qa": N_("Questions and answers"),
    "legislation": N_("Model legislative elements"),
    "full_powers": N_("Model full powers"),
    "cover_note": N_("Cover note"),
}
FORMAT = {"docx": N_("Word (DOCX)"), "pdf": N_("PDF")}
LEGISLATION = {"minimal": N_("Minimum credible implementation"), "full": N_("Full model law")}
QA_LENGTH = {"basic": N_("Basic"), "full": N_("Full")}
DRAFTING = {"common-law": N_("Common-law drafting"), "civil-law": N_("Civil-law drafting")}
SIGNATORY_TITLE = {
    "minister_for_foreign_affairs": N_("Minister for Foreign Affairs"),
    "head_of_state": N_("Head of State"),
    "head_of_government": N_("Head of Government"),
}
ROLE = {"editor": N_("editor"), "viewer": N_("viewer")}
STAGE = {"contacted": N_("Contacted"), "meeting-held": N_("Meeting held"),
         "next-step-agreed": N_("Next step agreed")}
CHANNEL = {"geneva": N_("Permanent Mission in Geneva"), "capital": N_("Capital"),
           "regional": N_("Regional workshop or meeting"), "other": N_("Other")}
LANGUAGE = {"en": N_("English"), "fr": N_("French"), "es": N_("Spanish")}
REGION = {"Africa": N_("Africa"), "Americas": N_("Americas"), "Asia": N_("Asia"),
          "Europe": N_("Europe"), "Oceania": N_("Oceania")}

ALL = {
    "status": STATUS, "route": ROUTE, "fact": FACT, "value": VALUE, "barrier": BARRIER,
    "doc_kind": DOC_KIND, "format": FORMAT, "legislation": LEGISLATION, "qa_length": QA_LENGTH,
    "drafting": DRAFTING, "signatory_title": SIGNATORY_TITLE, "role": ROLE, "stage": STAGE,
    "channel": CHANNEL, "language": LANGUAGE, "region": REGION,
}


def fact_label(name: str) -> str:
    """The label of a fact name (``unga_vote_2024`` -> the UNGA vote label)."""
    if name.startswith("unga_vote"):
        return FACT["unga_vote"]
    return FACT.get(name, name)
