"""The words for the values of ccmkit's vocabularies (the values stay in vocab.py), once, for
the web pages and the internal documents alike.

Each label is marked with ``N_`` for extraction and translated when shown; a test checks that
every value of each vocabulary has its label.
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
BARRIER = {  # the work plan's five categories
    "legal_technical": N_("legal and technical"),
    "defence_security": N_("defence and security posture"),
    "regional_alignment": N_("regional political alignment"),
    "awareness": N_("lack of awareness"),
    "bandwidth": N_("not a priority or lack of capacity"),
}
CONCERN = {
    "security_defence": N_("security and defence"),
    "stockpile_destruction": N_("cost or time of stockpile destruction (Art. 3)"),
    "clearance_capacity": N_("capacity to clear in time (Art. 4)"),
    "users_responsibility": N_("users and producers should bear the burden"),
    "interoperability": N_("joint operations with States not party (Art. 21)"),
    "definition": N_("scope of the definition (Art. 2)"),
    "insufficient_ambition": N_("the Convention is not strict enough"),
    "process_outside_un": N_("negotiated outside the United Nations"),
    "territorial_conflict": N_("an unresolved conflict, occupation or peace process"),
    "regional_alignment": N_("waits for its neighbours or region"),
    "capacity_priority": N_("capacity or other priorities"),
    "none_stated": N_("none stated"),
}
ENGAGEMENT = {
    "pledged": N_("pledged to join"),
    "process_under_way": N_("domestic process under way"),
    "considering": N_("considering joining"),
    "de_facto_compliance": N_("complies in practice"),
    "voluntary_report": N_("voluntary transparency report"),
    "supports_norm": N_("supports the humanitarian aims"),
    "none": N_("none recorded"),
}
TOKEN = {**VALUE, **CONCERN, **ENGAGEMENT}  # every value a fact may hold
INTERNAL = N_("INTERNAL")
INTERNAL_NOTICE = N_("For the ISU and the coordinators only; not for transmission to any "
                     "State.")
CHOICE_VALUE = {  # the values of the package's choices, as the internal brief words them
    "minimal": N_("minimum credible implementation"), "full": N_("full model law"),
    "common-law": N_("common law"), "civil-law": N_("civil law"),
    "firm": N_("shown"), "conditional": N_("shown as conditional"), "left out": N_("omitted"),
}
CHOICE = {  # the package's choices, as the internal brief names them
    "barrier": N_("Barrier"),
    "legislation.variant": N_("Model legislation"),
    "legislation.drafting": N_("Drafting style"),
    "steps.stockpiles": N_("Stockpile destruction deadline (Art. 3)"),
    "steps.contamination": N_("Clearance deadline (Art. 4)"),
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
ACTION = {"add": N_("added"), "import": N_("imported"), "edit": N_("edited"),
          "remove": N_("removed"), "restore": N_("restored")}
RECORD_FIELD = {"state": N_("State"), "date": N_("Date"), "stage": N_("Stage"),
                "channel": N_("Channel"), "lead": N_("Lead"), "with_whom": N_("With whom"),
                "note": N_("Note"), "next_step": N_("Next step"), "due": N_("Due"),
                "package": N_("Package")}
LANGUAGE = {"en": N_("English"), "fr": N_("French"), "es": N_("Spanish")}
REGION = {"Africa": N_("Africa"), "Americas": N_("Americas"), "Asia": N_("Asia"),
          "Europe": N_("Europe"), "Oceania": N_("Oceania")}

SUBREGION = {  # UN M49 sub-regions and intermediate regions
    "Australia and New Zealand": N_("Australia and New Zealand"), "Caribbean": N_("Caribbean"),
    "Central America": N_("Central America"), "Central Asia": N_("Central Asia"),
    "Eastern Africa": N_("Eastern Africa"), "Eastern Asia": N_("Eastern Asia"),
    "Eastern Europe": N_("Eastern Europe"),
    "Latin America and the Caribbean": N_("Latin America and the Caribbean"),
    "Melanesia": N_("Melanesia"), "Micronesia": N_("Micronesia"),
    "Middle Africa": N_("Middle Africa"), "Northern Africa": N_("Northern Africa"),
    "Northern America": N_("Northern America"), "Northern Europe": N_("Northern Europe"),
    "Polynesia": N_("Polynesia"), "South America": N_("South America"),
    "South-eastern Asia": N_("South-eastern Asia"), "Southern Africa": N_("Southern Africa"),
    "Southern Asia": N_("Southern Asia"), "Southern Europe": N_("Southern Europe"),
    "Sub-Saharan Africa": N_("Sub-Saharan Africa"), "Western Africa": N_("Western Africa"),
    "Western Asia": N_("Western Asia"), "Western Europe": N_("Western Europe"),
}
# Qualifiers of facts that recur as vocabulary (the others are the source's own words).
QUALIFIER = {
    "not known to have produced": N_("not known to have produced"),
    "not known to have used": N_("not known to have used"),
    "not known to have stockpiled": N_("not known to have stockpiled"),
    "states it has never used": N_("states it has never used"),
    "states it has not used": N_("states it has not used"),
    "says it never used": N_("says it never used"),
    "states it has never stockpiled": N_("states it has never stockpiled"),
    "states it never stockpiled": N_("states it never stockpiled"),
    "states it has not stockpiled": N_("states it has not stockpiled"),
    "states it does not stockpile": N_("states it does not stockpile"),
    "says it does not stockpile": N_("says it does not stockpile"),
    "states it has never produced": N_("states it has never produced"),
    "states it has not produced": N_("states it has not produced"),
    "no evidence of production": N_("no evidence of production"),
    "reverses": N_("reverses the earlier statements"),
    "not in the Mine Action Review list of CMR-contaminated states as at 1 July 2019":
        N_("not in the Mine Action Review list of CMR-contaminated states as at 1 July 2019"),
    "not in the Monitor's Aug 2017 list of 26 contaminated states":
        N_("not in the Monitor's Aug 2017 list of 26 contaminated states"),
}
LEGAL_PART = {"civil law": N_("civil law"), "common law": N_("common law"),
              "customary": N_("customary law"), "muslim law": N_("Muslim law"),
              "juif": N_("Jewish law")}


def qualifier_parts(fact: str, qualifier: str) -> list[str] | None:
    """A fact's qualifier as messages to translate (legal traditions: one per part), or None
    when it is not vocabulary but the source's own words (shown as they are)."""
    if qualifier in QUALIFIER:
        return [QUALIFIER[qualifier]]
    if fact == "legal_tradition":
        parts = [p.strip().casefold() for p in qualifier.split("/")]
        if all(p in LEGAL_PART for p in parts):
            return [LEGAL_PART[p] for p in parts]
    return None


ALL = {
    "status": STATUS, "route": ROUTE, "fact": FACT, "value": VALUE, "barrier": BARRIER,
    "doc_kind": DOC_KIND, "format": FORMAT, "legislation": LEGISLATION, "qa_length": QA_LENGTH,
    "drafting": DRAFTING, "signatory_title": SIGNATORY_TITLE, "role": ROLE, "stage": STAGE,
    "channel": CHANNEL, "language": LANGUAGE, "region": REGION, "action": ACTION,
    "concern": CONCERN, "engagement": ENGAGEMENT,
}


def fact_label(name: str) -> str:
    """The label of a fact name (``unga_vote_2024`` -> the UNGA vote label)."""
    if name.startswith("unga_vote"):
        return FACT["unga_vote"]
    return FACT.get(name, name)
