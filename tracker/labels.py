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
        "bureau": N_("City investment promotion bureau"),
        "approval": N_("City department"),
        "district": N_("District or county government"),
        "park": N_("Park"),
        "utility": N_("Utility"),
        "introducing": N_("Introducing unit"),
    },
    "role": {
        "admin": N_("Administrator"),
        "coordinator": N_("Coordinator"),
        "officer": N_("Officer"),
        "leader": N_("Leader"),
        "enterprise": N_("Enterprise"),
    },
    "project_role": {
        "lead_officer": N_("Lead officer"),
        "responsible_leader": N_("Responsible leader"),
        "area_leader": N_("District/park responsible person"),
        "unit_leader": N_("Introducing-unit responsible person"),
    },
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
    "change": {
        "done": N_("Done"),
        "done_out_of_order": N_("Done out of order"),
        "reschedule": N_("Rescheduled"),
        "reopen": N_("Reopened"),
        "not_applicable": N_("Marked as not applicable"),
        "added": N_("Added to the project"),
        "applies_again": N_("Applies again"),
    },
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


# System text stored as data: the milestone names of the shipped lifecycle templates and the
# usual officer titles. In English they are translated; anything a user typed stays as typed.
SYSTEM_MILESTONE_NAMES = {
    "签订投资合同": N_("Investment contract signed"),
    "完成企业注册": N_("Company registered"),
    "项目立项备案": N_("Project filed"),
    "项目备案": N_("Project filed"),
    "取得土地使用权": N_("Land use right obtained"),
    "取得施工许可证": N_("Construction permit obtained"),
    "项目开工建设": N_("Construction started"),
    "竣工验收": N_("Completion acceptance"),
    "投产运营": N_("In operation"),
    "取得装修施工许可": N_("Fit-out permit obtained"),
    "开始装修改造": N_("Fit-out started"),
    "装修竣工验收": N_("Fit-out acceptance"),
    "正式开业运营": N_("Opened for business"),
    "组建项目公司": N_("Project company set up"),
    "取得可行性研究报告批复": N_("Feasibility study approved"),
    "取得用地批复": N_("Land use approved"),
    "建成投用": N_("In service"),
}
SYSTEM_TITLES = {
    "局长": N_("Director-General"),
    "副局长": N_("Deputy Director-General"),
    "副区长": N_("Deputy District Head"),
    "副县长": N_("Deputy County Head"),
    "项目专员": N_("Project officer"),
    "项目服务处处长": N_("Head of Project Services"),
    "招商服务专员": N_("Investment service officer"),
    "重点项目办主任": N_("Director, Key Projects Office"),
    "用地服务科科长": N_("Head of Land Services"),
    "纳税服务科科长": N_("Head of Taxpayer Services"),
    "招商联络部部长": N_("Head of Investment Liaison"),
}
