"""English message ids for the codes stored in the database; the catalogue translates them."""

from tracker.i18n import N_

LABELS: dict[str, dict[str, str]] = {
    "stage": {
        "signed": N_("Signed"),
        "registered": N_("Registered"),
        "filed": N_("Filed"),
        "land": N_("Land supplied"),
        "permitted": N_("Permits granted"),
        "construction": N_("Under construction"),
        "completed": N_("Completed"),
        "operating": N_("Operating"),
    },
    "industry": {
        "new_it": N_("New-generation IT"),
        "new_energy": N_("New energy"),
        "smart_manufacturing": N_("Smart manufacturing"),
        "biomedicine": N_("Biomedicine"),
        "energy_saving": N_("Energy saving"),
        "new_materials": N_("New materials"),
        "agri_food": N_("Agriculture and food"),
        "tourism_services": N_("Tourism and services"),
    },
    "colour": {"red": N_("Red"), "amber": N_("Amber"), "green": N_("Green")},
    "level": {"provincial": N_("Provincial key project"), "city": N_("City key project"), "district": N_("District key project")},
    "status": {"active": N_("Active"), "paused": N_("Paused"), "cancelled": N_("Cancelled")},
    "kind": {
        "bureau": N_("Bureau"),
        "district": N_("District"),
        "park": N_("Park"),
        "approval": N_("Approval department"),
        "utility": N_("Utility"),
    },
    "role": {
        "admin": N_("Administrator"),
        "coordinator": N_("Coordinator"),
        "officer": N_("Officer"),
        "leader": N_("Leader"),
        "enterprise": N_("Enterprise"),
    },
    "project_role": {"lead_officer": N_("Lead officer"), "responsible_leader": N_("Responsible leader")},
    "handover_reason": {
        "transfer": N_("Transfer"),
        "promotion": N_("Promotion"),
        "retirement": N_("Retirement"),
        "workload": N_("Workload"),
        "other": N_("Other"),
    },
    "promise_category": {
        "land": N_("Land"),
        "funding": N_("Funding and subsidies"),
        "tax": N_("Tax"),
        "utilities": N_("Utilities"),
        "approvals": N_("Approvals"),
        "talent": N_("Talent and housing"),
        "infrastructure": N_("Infrastructure"),
        "other": N_("Other"),
    },
    "promise_source": {"contract": N_("Contract clause"), "meeting": N_("Meeting"), "letter": N_("Official letter")},
    "promise_status": {
        "pending": N_("Pending"),
        "in_progress": N_("In progress"),
        "fulfilled": N_("Fulfilled"),
        "partial": N_("Partially fulfilled"),
        "unfulfillable": N_("Cannot be fulfilled"),
        "withdrawn": N_("Withdrawn as unlawful"),
    },
    "answer": {"confirmed": N_("Confirmed by the enterprise"), "disputed": N_("Disputed by the enterprise")},
    "promise_template": {
        "water": N_("Water connection"),
        "gas": N_("Gas connection"),
        "heat": N_("Heat connection"),
        "electricity": N_("Electricity connection"),
    },
    "meeting_status": {"draft": N_("Draft"), "in_progress": N_("Under way"), "closed": N_("Closed")},
    "agenda_kind": {
        "carried_action": N_("Carried over"),
        "red_project": N_("Red project"),
        "overdue_promise": N_("Overdue promise"),
        "overdue_request": N_("Request past its deadline"),
        "topic": N_("Topic"),
    },
    "request_category": {
        "approvals": N_("Approvals"),
        "land": N_("Land"),
        "utilities": N_("Utilities"),
        "financing": N_("Financing"),
        "talent": N_("Talent"),
        "policy": N_("Policy"),
        "complaint": N_("Complaint"),
        "other": N_("Other"),
    },
    "request_status": {
        "new": N_("New"),
        "acknowledged": N_("Acknowledged"),
        "in_progress": N_("Being handled"),
        "closed": N_("Closed by staff"),
        "reopened": N_("Reopened"),
    },
    "request_event": {
        "raised": N_("Raised by the enterprise"),
        "raised_on_behalf": N_("Recorded by staff on the enterprise's behalf"),
        "acknowledge": N_("Acknowledged"),
        "dispatch": N_("Passed to a department"),
        "reply": N_("Reply"),
        "close": N_("Closed with a resolution"),
        "solved": N_("The enterprise says it is solved"),
        "reopened": N_("The enterprise says it is not solved; reopened"),
        "escalated": N_("Escalated to the coordinator"),
    },
    "attendance": {"present": N_("Present"), "absent": N_("Absent"), "delegate": N_("Delegate")},
    "action_status": {"open": N_("Open"), "done": N_("Done"), "resolved": N_("Resolved"), "closed_unresolved": N_("Closed, not resolved")},
    "change": {"done": N_("Done"), "reschedule": N_("Rescheduled"), "reopen": N_("Reopened")},
    "signal": {
        "milestone_overdue": N_("%(subject)s is %(workdays)s working days overdue"),
        "milestone_due": N_("%(subject)s is due within %(workdays)s working days"),
        "milestone_due_today": N_("%(subject)s is due today"),
        "promise_overdue": N_("Promise overdue: %(subject)s"),
        "action_overdue": N_("Action item overdue: %(subject)s"),
    },
}


def label(kind: str, code: str | None) -> str:
    if code is None:
        return ""
    return LABELS.get(kind, {}).get(code, code)
