"""English message ids for the codes stored in the database; the catalogue translates them."""

LABELS: dict[str, dict[str, str]] = {
    "stage": {
        "signed": "Signed",
        "registered": "Registered",
        "filed": "Filed",
        "land": "Land supplied",
        "permitted": "Permits granted",
        "construction": "Under construction",
        "completed": "Completed",
        "operating": "Operating",
    },
    "industry": {
        "new_it": "New-generation IT",
        "new_energy": "New energy",
        "smart_manufacturing": "Smart manufacturing",
        "biomedicine": "Biomedicine",
        "energy_saving": "Energy saving",
        "new_materials": "New materials",
        "agri_food": "Agriculture and food",
        "tourism_services": "Tourism and services",
    },
    "colour": {"red": "Red", "amber": "Amber", "green": "Green"},
    "level": {"provincial": "Provincial key project", "city": "City key project", "district": "District key project"},
    "status": {"active": "Active", "paused": "Paused", "cancelled": "Cancelled"},
    "kind": {
        "bureau": "Bureau",
        "district": "District",
        "park": "Park",
        "approval": "Approval department",
        "utility": "Utility",
    },
    "role": {
        "admin": "Administrator",
        "coordinator": "Coordinator",
        "officer": "Officer",
        "leader": "Leader",
        "enterprise": "Enterprise",
    },
    "change": {"done": "Done", "reschedule": "Rescheduled", "reopen": "Reopened"},
    "signal": {
        "milestone_overdue": "%(subject)s is %(workdays)s working days overdue",
        "milestone_due": "%(subject)s is due within %(workdays)s working days",
        "promise_overdue": "Promise overdue: %(subject)s",
        "action_overdue": "Action item overdue: %(subject)s",
    },
}


def label(kind: str, code: str | None) -> str:
    if code is None:
        return ""
    return LABELS.get(kind, {}).get(code, code)
