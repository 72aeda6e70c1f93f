"""Every page a person uses: each form field has a label (a placeholder is not one), the language
is declared, and there is a skip link to the content."""

from html.parser import HTMLParser

import pytest

from tests.helpers import run
from tracker.meetings.tables import Meeting
from tracker.promises.tables import Promise
from tracker.requests.tables import EnterpriseRequest

CONTROLS = {"input", "select", "textarea"}
UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class Fields(HTMLParser):
    """Collects form controls with whether something labels them."""

    def __init__(self):
        super().__init__()
        self.label_for: set[str] = set()
        self.label_depth = 0
        self.controls: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "label":
            self.label_depth += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        elif tag in CONTROLS and (tag != "input" or a.get("type", "text") not in UNLABELLED_TYPES):
            self.controls.append({**a, "tag": tag, "wrapped": self.label_depth > 0})

    def handle_endtag(self, tag):
        if tag == "label" and self.label_depth:
            self.label_depth -= 1

    def unlabelled(self) -> list[str]:
        out = []
        for c in self.controls:
            if c["wrapped"] or c.get("aria-label") or c.get("aria-labelledby") or c.get("id") in self.label_for:
                continue
            out.append(f'<{c["tag"]} name="{c.get("name")}" id="{c.get("id")}">')
        return out


def pages_for(role: str) -> list[str]:
    meeting = run(Meeting.select(Meeting.id).first())["id"]
    promise = run(Promise.select(Promise.id).first())["id"]
    req = run(EnterpriseRequest.select(EnterpriseRequest.id).first())["id"]
    if role == "enterprise":
        return ["/portal", "/portal/requests", "/portal/requests/new", "/account/password"]
    staff = ["/", "/projects/", "/projects/1", "/projects/new", "/projects/1/edit", "/projects/1/handover/", "/promises/",
             f"/promises/{promise}", "/projects/1/promises/new", "/meetings/", f"/meetings/{meeting}", "/meetings/new",
             "/action-items/", "/requests/", f"/requests/{req}", "/requests/new", "/briefings/", "/officers/", "/officers/1/depart"]
    if role == "admin":
        staff += ["/admin/", "/admin/departments", "/admin/officers", "/admin/users", "/admin/templates/", "/admin/templates/1",
                  "/admin/calendar/", "/admin/audit/"]
    return staff


@pytest.mark.parametrize("role", ["admin", "coordinator", "enterprise"])
def test_every_form_field_has_a_label(as_role, role):
    client = as_role(role)
    problems = {}
    for path in pages_for(role):
        response = client.get(path)
        assert response.status_code == 200, path
        parser = Fields()
        parser.feed(response.text)
        if missing := parser.unlabelled():
            problems[path] = missing
    assert not problems, problems


def test_the_login_page_declares_its_language_and_offers_a_skip_link(client):
    html = client.get("/login").text
    assert '<html lang="zh-CN">' in html and 'class="skip-link" href="#main"' in html and 'id="main"' in html
    client.get("/lang/en")
    assert '<html lang="en">' in client.get("/login").text
