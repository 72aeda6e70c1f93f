"""What the API returns: msgspec structures, from which Litestar writes the OpenAPI schema.

Amounts are in 万元 (10,000 CNY) as decimal strings, dates ISO 8601, times in UTC. Codes (stage,
colour, status, category, role …) are the stored codes; their labels are the UI's business.
"""

from __future__ import annotations

from datetime import date, datetime

import msgspec


class Problem(msgspec.Struct, kw_only=True):
    """An error (RFC 9457, application/problem+json). `title` is in the language asked for
    (Accept-Language: Chinese by default); `titles` carries both."""

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    titles: dict[str, str]


class ProjectSummary(msgspec.Struct, kw_only=True):
    id: int
    name: str
    enterprise: str
    industry: str
    district_id: int
    district: str
    park_id: int | None
    park: str | None
    total_investment_wan: str
    signed_on: date
    level: str
    stage: str
    colour: str
    status: str
    green_channel: bool
    lead_officer: str
    updated_at: datetime


class ProjectList(msgspec.Struct, kw_only=True):
    items: list[ProjectSummary]
    # Pass as `cursor` for the next page; null on the last page.
    next_cursor: str | None
    limit: int


class Milestone(msgspec.Struct, kw_only=True):
    id: int
    seq: int
    stage: str
    name: str
    baseline_on: date
    planned_on: date
    provisional: bool
    actual_on: date | None
    not_applicable: bool
    not_applicable_reason: str
    out_of_order: bool


class Assignment(msgspec.Struct, kw_only=True):
    """One period of one role (lead officer, responsible leader, the three levels), oldest first."""

    id: int
    role: str
    officer_id: int
    officer: str
    department: str | None
    started_on: date
    ended_on: date | None
    active: bool
    handover_reason: str | None
    handover_accepted_at: datetime | None


class Fulfilment(msgspec.Struct, kw_only=True):
    id: int
    delivered_on: date
    description: str
    amount_wan: str | None
    delivered_by: str
    corrects: int | None
    recorded_at: datetime


class Promise(msgspec.Struct, kw_only=True):
    id: int
    content: str
    category: str
    source: str
    department_id: int
    department: str
    officer: str
    amount_wan: str | None
    promised_on: date
    due_on: date | None
    due_provisional: bool
    status: str
    overdue: bool
    status_reason: str
    remedy_plan: str
    remedy_due_on: date | None
    settled_on: date | None
    enterprise_answer: str | None
    enterprise_answer_reason: str
    fulfilments: list[Fulfilment]


class EnterpriseRequest(msgspec.Struct, kw_only=True):
    """A request without the enterprise's attachments."""

    id: int
    category: str
    description: str
    status: str
    raised_on: date
    first_responder: str
    department: str | None
    ack_due_on: date
    answer_due_on: date
    acknowledged_on: date | None
    answered_on: date | None
    closed_on: date | None
    resolution: str
    solved: bool | None
    satisfaction: int | None
    reopen_count: int
    escalated: bool
    overdue: bool


class ActionItem(msgspec.Struct, kw_only=True):
    id: int
    task: str
    owner_department: str
    owner_officer: str
    due_on: date
    status: str
    outcome: str | None
    done_on: date | None
    resolution: str
    overdue: bool


class Decision(msgspec.Struct, kw_only=True):
    """A meeting's agenda item about the project: its decision and the action items it created."""

    agenda_item_id: int
    meeting_id: int
    held_on: date
    title: str
    decision: str
    action_items: list[ActionItem]


class ProjectDetail(ProjectSummary, kw_only=True):
    """One project. The sections a token's scopes do not open are null."""

    description: str
    status_reason: str
    introducing_unit: str
    responsible_leader: str
    lead_officer_phone: str
    colour_since: date | None
    merged_into: int | None
    milestones: list[Milestone]
    assignments: list[Assignment]
    promises: list[Promise] | None
    requests: list[EnterpriseRequest] | None
    decisions: list[Decision] | None


class CredibilityRow(msgspec.Struct, kw_only=True):
    department_id: int
    department: str
    made: int
    on_time: int
    late: int
    overdue: int
    unfulfillable: int
    disputed: int
    on_time_rate: float | None
    confirmed_rate: float | None


class Figures(msgspec.Struct, kw_only=True):
    """The dashboard's counts of active projects and the credibility table (best on-time rate first)."""

    as_of: date
    district_id: int | None
    by_stage: dict[str, int]
    by_colour: dict[str, int]
    credibility: list[CredibilityRow]


class Index(msgspec.Struct, kw_only=True):
    version: str
    token: str
    scopes: list[str]
    district_id: int | None
    links: dict[str, str]
