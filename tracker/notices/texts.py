"""The words of a notice in the reader's language: one sentence per notice, the digest's section
titles, subjects and the short SMS text. Dates and the shipped milestone names are shown in the
reader's language; what users typed (project names, request texts) stays as typed."""

from __future__ import annotations

from datetime import date

from tracker import i18n
from tracker.i18n import N_
from tracker.labels import SYSTEM_MILESTONE_NAMES, label

# rule -> the title of the digest's section
SECTION_TITLES = {
    "milestone_red": N_("Milestones seriously overdue (escalated)"),
    "promise_red": N_("Overdue promises (escalated)"),
    "request_escalated": N_("Requests escalated to the coordinators"),
    "request_late": N_("Requests past their deadline"),
    "handover_late": N_("Handovers not accepted in time"),
    "milestone_overdue": N_("Overdue milestones"),
    "promise_overdue": N_("Overdue promises"),
    "action_overdue": N_("Overdue action items"),
    "request_ack": N_("Requests to acknowledge"),
    "request_answer": N_("Requests to answer"),
    "handover_pending": N_("Handovers waiting for you to accept"),
    "promise_disputed": N_("Fulfilments the enterprise disputes"),
    "fulfilment_unconfirmed": N_("Fulfilments awaiting the enterprise's confirmation"),
    "milestone_due": N_("Milestones due soon"),
    "visit_overdue": N_("Enterprises to visit"),
    "callback_waiting": N_("Satisfaction callbacks to make"),
    "fulfilment_to_confirm": N_("Fulfilments awaiting your confirmation"),
    "request_answered": N_("Your requests answered"),
    "request_closed": N_("Your requests closed"),
    "milestone_completed": N_("Milestones completed"),
    "milestone_replanned": N_("Milestones re-planned"),
}

PLAIN = {
    "milestone_due_now": N_("%(project)s: milestone “%(milestone)s” is due now (planned for %(date)s)."),
    "promise_disputed": N_("%(project)s: the enterprise disputes the fulfilment of “%(promise)s”: %(reason)s"),
    "fulfilment_unconfirmed": N_("%(project)s: the fulfilment of “%(promise)s” (%(date)s) awaits the enterprise's confirmation."),
    "request_ack": N_("%(project)s: please acknowledge the request “%(request)s” by %(date)s."),
    "request_ack_late": N_("%(project)s: the request “%(request)s” was to be acknowledged by %(date)s and is late."),
    "request_answer": N_("%(project)s: please answer the request “%(request)s” by %(date)s."),
    "request_answer_late": N_("%(project)s: the request “%(request)s” was to be answered by %(date)s and is late."),
    "request_late_ack": N_("%(project)s: the request “%(request)s” was not acknowledged by %(date)s (first responder: %(responder)s)."),
    "request_late_answer": N_("%(project)s: the request “%(request)s” was not answered by %(date)s (first responder: %(responder)s)."),
    "request_answered": N_("%(project)s: your request “%(request)s” has been answered."),
    "request_closed": N_("%(project)s: your request “%(request)s” has been closed; please tell us whether it is solved."),
    "fulfilment_to_confirm": N_("%(project)s: the promise “%(promise)s” has been fulfilled (%(date)s); please confirm it or say what is missing."),
    "milestone_completed": N_("%(project)s: milestone “%(milestone)s” was completed on %(date)s."),
    "milestone_replanned": N_("%(project)s: milestone “%(milestone)s” was re-planned from %(from)s to %(to)s."),
}

def _date(value: str, lang: str) -> str:
    return i18n.format_date(date.fromisoformat(value), lang) if value else ""


def _milestone(name: str, lang: str) -> str:
    return i18n.gettext(lang, SYSTEM_MILESTONE_NAMES[name]) if lang != "zh" and name in SYSTEM_MILESTONE_NAMES else name


def ngettext(singular: str, plural: str, n: int, lang: str, **params: object) -> str:
    """i18n.ngettext with the message first, so the catalogue tools see the pair as one plural message."""
    return i18n.ngettext(lang, singular, plural, n, **params)


def describe(rule: str, params: dict, lang: str) -> str:
    """One sentence for one notice."""
    p = dict(params)
    dates = ("date", "from", "to") if rule == "milestone_replanned" else ("date",)
    for key in dates:
        if isinstance(p.get(key), str):
            p[key] = _date(p[key], lang)
    if "milestone" in p:
        p["milestone"] = _milestone(p["milestone"], lang)
    if "role" in p:
        p["role"] = i18n.gettext(lang, label("project_role", p["role"]))
    n = int(p.pop("n", 0) or 0)
    if rule in ("milestone_overdue", "milestone_red"):
        return ngettext("%(project)s: milestone “%(milestone)s” was due on %(date)s and is %(n)s working day overdue.",
                        "%(project)s: milestone “%(milestone)s” was due on %(date)s and is %(n)s working days overdue.", n, lang, **p)
    if rule in ("promise_overdue", "promise_red"):
        return ngettext("%(project)s: the promise “%(promise)s” was due on %(date)s and is %(n)s working day overdue.",
                        "%(project)s: the promise “%(promise)s” was due on %(date)s and is %(n)s working days overdue.", n, lang, **p)
    if rule == "action_overdue" and p.get("project"):
        return ngettext("%(project)s: the action item “%(task)s” was due on %(date)s and is %(n)s working day overdue.",
                        "%(project)s: the action item “%(task)s” was due on %(date)s and is %(n)s working days overdue.", n, lang, **p)
    if rule == "action_overdue":
        return ngettext("The action item “%(task)s” was due on %(date)s and is %(n)s working day overdue.",
                        "The action item “%(task)s” was due on %(date)s and is %(n)s working days overdue.", n, lang, **p)
    if rule == "milestone_due" and n == 0:
        return i18n.gettext(lang, PLAIN["milestone_due_now"], **p)
    if rule == "milestone_due":
        return ngettext("%(project)s: milestone “%(milestone)s” is due on %(date)s, in %(n)s working day.",
                        "%(project)s: milestone “%(milestone)s” is due on %(date)s, in %(n)s working days.", n, lang, **p)
    if rule == "request_escalated":
        return ngettext("%(project)s: the request “%(request)s” was reopened %(n)s time and is escalated to the coordinators.",
                        "%(project)s: the request “%(request)s” was reopened %(n)s times and is escalated to the coordinators.",
                        n, lang, **p)
    if rule == "handover_pending":
        return ngettext(
            "%(project)s: %(from)s handed the role of %(role)s to you on %(date)s; please accept custody (waiting %(n)s working day).",
            "%(project)s: %(from)s handed the role of %(role)s to you on %(date)s; please accept custody (waiting %(n)s working days).",
            n, lang, **p)
    if rule == "handover_late":
        return ngettext(
            "%(project)s: the role of %(role)s, handed from %(from)s to %(to)s on %(date)s, has waited %(n)s working day for acceptance.",
            "%(project)s: the role of %(role)s, handed from %(from)s to %(to)s on %(date)s, has waited %(n)s working days for acceptance.",
            n, lang, **p)
    if rule in ("request_ack", "request_answer"):
        return i18n.gettext(lang, PLAIN[rule + ("_late" if p.get("late") else "")], **p)
    if rule == "visit_overdue":
        return ngettext("%(project)s: a visit to the enterprise was due on %(date)s (%(n)s day ago).",
                        "%(project)s: a visit to the enterprise was due on %(date)s (%(n)s days ago).", n, lang, **p)
    if rule == "callback_waiting":
        p.setdefault("month", "")
        return ngettext("%(project)s: the satisfaction callback of %(month)s drawn for you is not made yet (%(n)s working day).",
                        "%(project)s: the satisfaction callback of %(month)s drawn for you is not made yet (%(n)s working days).",
                        n, lang, **p)
    if rule == "request_late":
        return i18n.gettext(lang, PLAIN["request_late_ack" if p.get("what") == "ack" else "request_late_answer"], **p)
    return i18n.gettext(lang, PLAIN[rule], **p)


def section_title(rule: str, lang: str) -> str:
    return i18n.gettext(lang, SECTION_TITLES[rule])


def subject(count: int, urgent: bool, day: date, lang: str) -> str:
    when = i18n.format_date(day, lang)
    if urgent:
        return ngettext("Key Project Tracker: %(n)s escalated item needs your attention",
                        "Key Project Tracker: %(n)s escalated items need your attention", count, lang, date=when)
    return ngettext("Key Project Tracker: %(n)s reminder for %(date)s", "Key Project Tracker: %(n)s reminders for %(date)s",
                    count, lang, date=when)


def more(count: int, lang: str) -> str:
    return ngettext("… and %(n)s more", "… and %(n)s more", count, lang)


def sms_text(name: str, counts: list[tuple[str, int]], url: str, lang: str) -> str:
    """One short text: how many reminders of which kind, and where to read them."""
    separator = "、" if lang == "zh" else "; "
    summary = separator.join(f"{section_title(rule, lang)} {n}" for rule, n in counts)
    return ngettext("Key Project Tracker: %(name)s, %(n)s reminder today (%(summary)s). Details: %(url)s",
                    "Key Project Tracker: %(name)s, %(n)s reminders today (%(summary)s). Details: %(url)s",
                    sum(n for _r, n in counts), lang, name=name, summary=summary, url=url)


def heading(name: str, day: date, urgent: bool, lang: str) -> str:
    when = i18n.format_date(day, lang)
    if urgent:
        return i18n.gettext(lang, N_("Escalated items for %(name)s, %(date)s"), name=name, date=when)
    return i18n.gettext(lang, N_("Reminders for %(name)s, %(date)s"), name=name, date=when)


def see_all(lang: str) -> str:
    return i18n.gettext(lang, N_("See all your notices in the tracker"))


def why(has_login: bool, lang: str) -> str:
    if has_login:
        return i18n.gettext(lang, N_("You get these reminders because you answer for these projects in the Key Project Tracker. "
                                     "Choose how you are reminded on your account's notification page:"))
    return i18n.gettext(lang, N_("You get these reminders by e-mail because you answer for these projects in the Key Project "
                                 "Tracker. Ask the bureau's administrator for a login to read them in the tracker."))
