"""The enterprise portal on a phone (390 px) in a real browser: the folded menu, confirming a
fulfilment in place, raising a request with a photo, adding a message and a file to an open
request, rating a closed request in place; large tap targets throughout."""

import re
import struct
import zlib

from playwright.sync_api import expect

from tests.browser.support import PHONE, query

TAP = 44  # px: the smallest comfortable touch target (WCAG 2.5.5, Apple's guidelines)


def png(width: int = 2, height: int = 2) -> bytes:
    """A small valid PNG (white pixels)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\xff\xff\xff" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def pdf() -> bytes:
    """A small valid one-page PDF."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"]
    out, offsets = b"%PDF-1.4\n", []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def assert_tappable(locator) -> None:
    for i in range(locator.count()):
        box = locator.nth(i).bounding_box()
        assert box and box["height"] >= TAP and box["width"] >= TAP, (
            f"too small to tap on a phone: {locator.nth(i).inner_text()!r} is {box}")


def test_the_phone_menu_folds_behind_a_button(ui):
    page = ui.page("enterprise", PHONE)
    page.goto("/portal")
    expect(page.locator("#site-menu")).to_be_hidden()
    toggle = page.locator(".site-menu-toggle")
    assert_tappable(toggle)
    toggle.click()
    expect(page.locator("#site-menu")).to_be_visible()
    with page.expect_navigation():
        page.click("#site-menu a[href='/portal/requests']")
    expect(page.locator("main h1")).to_be_visible()
    ui.check(page)


def test_the_enterprise_confirms_a_fulfilment_in_place(ui):
    page = ui.page("enterprise", PHONE)
    page.goto("/portal")
    expect(page.locator("main .alert-info")).to_have_count(1)  # a fulfilment awaits confirmation
    waiting = None
    for href in page.locator("main a[href^='/portal/projects/']").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        page.goto(href)
        if page.locator("form[action$='/answer']").count():
            waiting = href
            break
    assert waiting, "no portal project shows the fulfilment awaiting confirmation"
    card = page.locator("[id^='promise-']:has(form[action$='/answer'])").first
    card_id = card.get_attribute("id")
    card = page.locator(f"#{card_id}")
    confirm = card.locator("button[value='confirmed']")
    assert_tappable(card.locator("button"))
    ui.check(page)
    token = ui.mark(page)
    confirm.click()
    expect(card.locator("form")).to_have_count(0)
    expect(card.locator(".text-success")).to_have_count(1)  # "You confirmed this fulfilment."
    expect(page.locator("#flash .flash")).to_have_count(1)
    ui.assert_not_reloaded(page, token)
    ui.check(page)

    page.goto("/portal")
    expect(page.locator("main .alert-info")).to_have_count(0)


def test_the_enterprise_raises_a_request_with_a_photo(ui):
    page = ui.page("enterprise", PHONE)
    page.goto("/portal/requests/new")
    page.select_option("#project", index=1)
    page.select_option("#category", index=1)
    page.fill("#description", "厂区东侧道路积水严重，影响货车进出，请协调市政部门处理。")
    page.set_input_files("#files", files=[{"name": "积水照片.png", "mimeType": "image/png", "buffer": png()}])
    assert_tappable(page.locator("main form button"))
    ui.check(page)
    with page.expect_navigation():
        page.click("main form button")
    assert re.search(r"/portal/requests/\d+$", page.url), f"raising the request did not open it: {page.url}\n{page.inner_text('main')[:500]}"
    expect(page.locator("main")).to_contain_text("厂区东侧道路积水严重")
    attachment = page.locator("main a[href*='/attachments/']")
    expect(attachment).to_have_count(1)
    expect(attachment).to_contain_text("积水照片")
    response = page.request.get(attachment.get_attribute("href"))
    assert response.ok and response.body() == png()
    ui.check(page)

    page.goto("/portal/requests")
    expect(page.locator("main")).to_contain_text("厂区东侧道路积水严重")


def test_the_enterprise_adds_a_message_and_a_file_to_its_open_request(ui):
    from tracker.auth.tables import User
    from tracker.requests.tables import EnterpriseRequest

    enterprise = query(User.select(User.enterprise).where(User.username == "enterprise").first())["enterprise"]
    request = query(EnterpriseRequest.select(EnterpriseRequest.id).where(
        EnterpriseRequest.enterprise == enterprise, EnterpriseRequest.status.is_in(["new", "acknowledged", "in_progress", "reopened"]))
        .order_by(EnterpriseRequest.id).first())["id"]
    page = ui.page("enterprise", PHONE)
    page.goto(f"/portal/requests/{request}")
    page.click("#add-message > summary")
    page.fill("#add-message textarea[name='text']", "补充材料：学生名单及户籍证明。")
    page.set_input_files("#add-message input[type='file']", files=[{"name": "名单.pdf", "mimeType": "application/pdf", "buffer": pdf()}])
    assert_tappable(page.locator("#add-message form button"))
    ui.check(page)
    with page.expect_navigation():
        page.click("#add-message form button")
    expect(page.locator("#events")).to_contain_text("补充材料：学生名单及户籍证明。")
    attachment = page.locator("#events a[href*='/attachments/']").filter(has_text="名单")
    expect(attachment).to_have_count(1)
    response = page.request.get(attachment.get_attribute("href"))
    assert response.ok and response.body() == pdf()
    expect(page.locator("#flash .flash")).to_have_count(1)
    ui.check(page)


def test_the_enterprise_rates_a_closed_request_in_place(ui):
    page = ui.page("enterprise", PHONE)
    page.goto("/portal")
    waiting = page.locator("main li.list-group-item:has(strong) a")  # "Please tell us whether it is solved."
    expect(waiting).not_to_have_count(0)
    with page.expect_navigation():
        waiting.first.click()
    block = page.locator("#feedback-block")
    expect(block.locator("form")).to_have_count(1)
    assert_tappable(block.locator("label.btn"))
    ui.check(page)
    token = ui.mark(page)

    block.locator("label[for='solved-yes']").click()
    rating = block.locator("label[for='satisfaction-4']")
    rating.click()
    expect(block.locator("#satisfaction-4")).to_be_checked()
    colour, background = rating.evaluate("l => [getComputedStyle(l).color, getComputedStyle(l).backgroundColor]")
    assert colour != background, f"the chosen rating hides its digit: text {colour} on {background}"
    page.fill("#feedback", "答复及时，问题已解决。")
    block.locator("form button").click()
    expect(block.locator("form")).to_have_count(0)
    expect(page.locator("#feedback-block")).to_contain_text("4/5")
    expect(page.locator("#flash .flash")).to_have_count(1)
    ui.assert_not_reloaded(page, token)
    ui.check(page)
