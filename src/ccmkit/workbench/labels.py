"""Words of the internal documents that code supplies (gettext messages, translated at render
time): the internal marking, barrier, fact, status and stage labels."""

from __future__ import annotations

from ccmkit.i18n import N_

INTERNAL = N_("INTERNAL")
INTERNAL_NOTICE = N_("For the ISU and the coordinators only; not for transmission to any "
                     "State.")
BARRIER_LABELS = {
    "legal_technical": N_("legal and technical"),
    "defence_security": N_("defence and security posture"),
    "regional_alignment": N_("regional political alignment"),
    "awareness": N_("lack of awareness"),
    "bandwidth": N_("not a priority or lack of capacity"),
}
FACT_LABELS = {
    "status": N_("Convention status"),
    "stockpiles": N_("Cluster munition stockpiles"),
    "contamination": N_("Cluster munition contamination"),
    "producer": N_("Producer"),
    "used": N_("Use"),
    "mine_ban_treaty": N_("State Party to the Mine Ban Convention"),
    "unga_vote": N_("UNGA vote on the CCM resolution"),
    "legal_tradition": N_("Legal tradition"),
    "official_languages": N_("Official languages"),
    "stated_position": N_("Stated position"),
    "ccm_withdrawal_effective": N_("Withdrawal effective"),
    "concerns": N_("Stated concerns"),
    "engagement": N_("Engagement"),
}
CONCERN_LABELS = {
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
ENGAGEMENT_LABELS = {
    "pledged": N_("pledged to join"),
    "process_under_way": N_("domestic process under way"),
    "considering": N_("considering joining"),
    "de_facto_compliance": N_("complies in practice"),
    "voluntary_report": N_("voluntary transparency report"),
    "supports_norm": N_("supports the humanitarian aims"),
    "none": N_("none recorded"),
}
STATUS_LABELS = {
    "signatory": N_("signatory"),
    "not_signed": N_("not signed"),
    "withdrawn": N_("withdrawn"),
    "state_party": N_("State Party"),
}
TOKEN_LABELS = {"yes": N_("yes"), "no": N_("no"), "unknown": N_("unknown"),
                "unconfirmed": N_("unconfirmed"), "abstain": N_("abstained"),
                "absent": N_("absent"), "common_law": N_("common law"),
                "civil_law": N_("civil law"), "muslim_law": N_("Muslim law"),
                "customary_law": N_("customary law"), "mixed": N_("mixed"),
                "in_transition": N_("in transition"), **CONCERN_LABELS, **ENGAGEMENT_LABELS}
CHOICE_LABELS = {
    "barrier": N_("Barrier"),
    "legislation.variant": N_("Model legislation"),
    "legislation.drafting": N_("Drafting style"),
    "steps.stockpiles": N_("Stockpile destruction deadline (Art. 3)"),
    "steps.contamination": N_("Clearance deadline (Art. 4)"),
}


def fact_label(name: str) -> str:
    """The label message of a fact (``unga_vote_2022`` -> the UNGA vote label)."""
    return FACT_LABELS.get("unga_vote" if name.startswith("unga_vote") else name, name)
