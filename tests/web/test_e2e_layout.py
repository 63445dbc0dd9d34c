"""Every page at phone (390 px) and desktop (1280 px) width: no sideways scrolling, zero
axe-core violations, and the draft -> review -> approve flow done with the keyboard alone.

The phone runs in Chromium's phone emulation (touch, device scale 3). axe-core comes from npm
(``npm ci`` at the repo root puts it in node_modules/); the axe tests skip without it.
Screenshots of each page at each width go to test-artifacts/screenshots/layout-*.png.
"""

# Fixtures imported from test_e2e.py are used as test arguments, as pytest intends.
# ruff: noqa: F811

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

sync_api = pytest.importorskip("playwright.sync_api",
                               reason="Playwright is not installed (pip install playwright)")

from conftest import REPO_ROOT  # noqa: E402

from .conftest import PASSWORD, example_text  # noqa: E402
from .test_e2e import (  # noqa: E402, F401  (module fixtures: this file starts its own server)
    CHROMIUM,
    SCREENSHOTS,
    Watched,
    browser,
    draft,
    server,
    sign_in,
)

Browser = sync_api.Browser
Page = sync_api.Page
expect = sync_api.expect

AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
WIDTHS: dict[str, dict[str, Any]] = {
    "phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3,
              "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"Chromium not found at {CHROMIUM}")
Check = Callable[[Page, str], None]

# What sticks out past the right edge, named so a failure says where to look.
_WIDEST = """() => {
  const limit = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > limit + 0.5 && box.width > 0) {
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (el.classList.length ? '.' + [...el.classList].join('.') : '');
      out.push(name + ' right=' + Math.round(box.right));
    }
  }
  return out.slice(0, 8);
}"""

_AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' -> '
    + v.nodes.map(n => n.target.join(' ')).join(', '));
}"""


def no_sideways_scroll(page: Page, name: str) -> None:
    scroll, inner = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, (f"{name}: the page is {scroll}px wide in a {inner}px window; "
                             f"past the edge: {page.evaluate(_WIDEST)}")


def axe_violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found: list[str] = page.evaluate(_AXE_RUN, AXE_TAGS)
    return found


def _shot(page: Page, width: str, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"layout-{width}-{name}.png"), full_page=True)


@pytest.fixture(params=list(WIDTHS))
def width(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


def _context(browser: Browser, server: str, width: str) -> Watched:
    # bypass_csp lets the test inject axe-core; the pages' own policy stays on otherwise
    return Watched(browser, server, bypass_csp=True, **WIDTHS[width])


def tour(browser: Browser, server: str, width: str, check: Check,
         tmp_path: Path) -> None:
    """Every page of the app, each handed to ``check`` once it shows what it should."""
    alices = _context(browser, server, width)
    bobs = _context(browser, server, width)
    try:
        page = alices.page
        page.goto("/signin")
        check(page, "01-sign-in")
        sign_in(page)
        page.goto("/draft")
        expect(page.get_by_label("Abstract")).to_be_visible()
        check(page, "02-new-draft")
        path = draft(page, example_text())
        check(page, "03-draft-waiting")
        page.goto(f"{path}/queued")
        expect(page.get_by_role("heading", name="Queued for review")).to_be_visible()
        check(page, "03b-queued-for-review")
        page.goto("/queue")
        expect(page.locator("table.queue")).to_be_visible()
        check(page, "04-queue")
        page.goto(path)
        page.get_by_role("button", name="Claim for review").click()
        section = page.locator("#section-why_it_matters")
        section.get_by_text("Edit why it matters").click()
        box = section.locator("textarea")
        box.fill(box.input_value() + " About 9,999 people took part.")
        section.get_by_role("button", name="Save why it matters").click()
        expect(page.locator("#section-why_it_matters mark.finding.error")).to_have_text("9,999")
        section.get_by_text("Edit why it matters").click()
        check(page, "05-review-claimed-findings")
        page.goto(f"{path}/history")
        expect(page.locator("ins").first).to_be_visible()
        check(page, "06-history-diff")
        page.goto(path)
        page.get_by_role("button", name="Release").click()

        page = bobs.page
        sign_in(page, "bob")
        page.goto(path)
        page.get_by_role("button", name="Claim for review").click()
        expect(page.locator("form.decide")).to_be_visible()
        check(page, "07-review-decision-bar")
        page.get_by_label("Reason to override finding 1").fill("The paper reports 9,999.")
        page.get_by_role("button", name="Approve").click()
        expect(page.locator("#status")).to_have_text("Approved")
        page.goto(f"{path}/preview")
        frame = page.frame_locator("iframe.preview-frame")
        expect(frame.locator(".disclaimer")).to_be_visible()
        check(page, "08-preview")
        page.goto(f"{path}/preview/page")
        check(page, "09-preview-frame-page")
        page.goto("/stats")
        check(page, "10-stats")
        response = page.goto("/drafts/424242")
        assert response is not None and response.status == 404
        check(page, "11-error")
        page.goto(f"{path}/preview")
        page.get_by_label("I have read this page and want to publish it").check()
        page.get_by_role("button", name="Publish").click()
        expect(page.locator(".badge")).to_have_text("Published")
        check(page, "08c-preview-published")
        with page.expect_download() as download:
            page.get_by_role("button", name="Download HTML").click()
        exported = tmp_path / f"published-{width}.html"
        download.value.save_as(exported)
        page.goto(exported.as_uri())
        expect(page.locator("h1")).to_be_visible()
        check(page, "12-exported-page")
    finally:
        alices.close()
        bobs.close()


def test_no_page_scrolls_sideways(browser: Browser, server: str, width: str,
                                  tmp_path: Path) -> None:
    def check(page: Page, name: str) -> None:
        page.wait_for_load_state("load")
        _shot(page, width, name)
        no_sideways_scroll(page, name)
        if name == "05-review-claimed-findings":
            _review_page_fits(page, width)
        if name == "08-preview":
            _preview_shows_the_whole_summary(page)
            # a full-page screenshot leaves the framed page's lower part unpainted: the end too
            page.frame_locator("iframe.preview-frame").locator(".disclaimer") \
                .scroll_into_view_if_needed()
            page.screenshot(path=str(SCREENSHOTS / f"layout-{width}-08b-preview-end.png"))

    tour(browser, server, width, check, tmp_path)


def _review_page_fits(page: Page, width: str) -> None:
    signout = page.get_by_role("button", name="Sign out").bounding_box()
    inner = page.evaluate("window.innerWidth")
    assert signout is not None and signout["x"] + signout["width"] <= inner, (
        f"Sign out falls off the top bar: {signout} in {inner}px")
    if width == "phone":
        edit = page.locator("#section-why_it_matters textarea")
        box = edit.bounding_box()
        assert box is not None and box["width"] > 250, f"the edit box is squeezed: {box}"


def _preview_shows_the_whole_summary(page: Page) -> None:
    frame = page.frame_locator("iframe.preview-frame")
    # the frame is tall enough that the disclaimer at its end is inside it, not cut off
    frame_box = page.locator("iframe.preview-frame").bounding_box()
    last = frame.locator(".disclaimer").bounding_box()
    assert frame_box is not None and last is not None
    assert last["y"] + last["height"] <= frame_box["y"] + frame_box["height"], (
        f"the preview frame cuts off its page: frame {frame_box}, disclaimer {last}")


def test_decision_bar_stacks_on_a_phone(browser: Browser, server: str) -> None:
    """On a phone the note box is full width and every decision button stays on the card."""
    alices = _context(browser, server, "phone")
    bobs = _context(browser, server, "phone")
    try:
        sign_in(alices.page)
        path = draft(alices.page, example_text())
        page = bobs.page
        sign_in(page, "bob")
        page.goto(path)
        page.get_by_role("button", name="Claim for review").click()
        bar = page.locator("section.actions").bounding_box()
        note = page.get_by_label("Note", exact=True).bounding_box()
        assert bar is not None and note is not None
        assert note["width"] >= bar["width"] * 0.8, f"the note box is squeezed: {note} in {bar}"
        for label in ["Approve", "Request changes", "Reject"]:
            button = page.get_by_role("button", name=label, exact=True).bounding_box()
            assert button is not None
            assert button["x"] + button["width"] <= bar["x"] + bar["width"], (
                f"{label} sticks out of the card: {button} in {bar}")
        _shot(page, "phone", "07b-decision-bar")
    finally:
        alices.close()
        bobs.close()


def test_every_page_has_no_axe_violations(browser: Browser, server: str, width: str,
                                          tmp_path: Path) -> None:
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed ({AXE} is missing): run `npm ci` "
                    "at the repo root")
    found: dict[str, list[str]] = {}

    def check(page: Page, name: str) -> None:
        page.wait_for_load_state("load")
        violations = axe_violations(page)
        if violations:
            found[name] = violations

    tour(browser, server, width, check, tmp_path)
    assert found == {}, "axe-core violations:\n" + "\n".join(
        f"{name}: {v}" for name, items in found.items() for v in items)


def test_the_axe_check_finds_what_it_should(browser: Browser) -> None:
    """The same check on a page with known faults names them, so zero above means zero."""
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed ({AXE} is missing): run `npm ci` "
                    "at the repo root")
    context = browser.new_context(**WIDTHS["phone"])
    try:
        page = context.new_page()
        page.set_content('<html lang="en"><head><title>t</title></head><body><main>'
                         '<h1>t</h1><h4>skipped</h4><textarea></textarea>'
                         '<p style="color:#999;background:#fff">faint</p></main></body></html>')
        found = " ".join(axe_violations(page))
    finally:
        context.close()
    for rule in ["heading-order", "label", "color-contrast"]:
        assert rule in found, found


# --- keyboard only ---------------------------------------------------------------------

_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
  const text = (el.getAttribute('aria-label') || label || el.innerText || el.value || '').trim();
  return {tag: el.tagName.toLowerCase(), text: text.slice(0, 80),
          visible: el.matches(':focus-visible'),
          outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
                   || style.boxShadow !== 'none'};
}"""


def tab_to(page: Page, pattern: str, *, limit: int = 80, back: bool = False) -> dict[str, Any]:
    """Press Tab (or Shift+Tab) until the focused element's name matches ``pattern``.

    Every element passed on the way must show a focus ring (:focus-visible with an outline).
    """
    wanted = re.compile(pattern)
    seen: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        focus: dict[str, Any] | None = page.evaluate(_FOCUS)
        if focus is None:
            continue
        seen.append(f"{focus['tag']}:{focus['text']}")
        assert focus["visible"] and focus["outline"], f"no visible focus on {focus}"
        if wanted.search(focus["text"]):
            return focus
    raise AssertionError(f"never reached {pattern!r} with Tab; passed {seen}")


def _keys(page: Page, text: str) -> None:
    page.keyboard.insert_text(text)


def test_draft_review_and_approve_with_the_keyboard_alone(browser: Browser,
                                                          server: str) -> None:
    alices = Watched(browser, server)
    bobs = Watched(browser, server)
    try:
        page = alices.page
        _keyboard_sign_in(page, "alice")
        tab_to(page, "^New draft$")
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/draft$"))
        tab_to(page, "^Abstract$")
        _keys(page, example_text())
        tab_to(page, "Draft again even if already queued")
        page.keyboard.press("Space")
        expect(page.get_by_label("Draft again even if already queued")).to_be_checked()
        tab_to(page, "^Draft and queue$")
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/drafts/\d+/queued$"))
        tab_to(page, r"^Open draft #\d+$")
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/drafts/\d+$"))
        path = "/drafts/" + page.url.rsplit("/", 1)[1]

        # alice claims and edits in a figure the abstract does not have, then lets go
        tab_to(page, "^Claim for review$")
        page.keyboard.press("Enter")
        expect(page.locator("#status")).to_have_text("In review")
        tab_to(page, "^Edit why it matters$")
        page.keyboard.press("Enter")
        box = page.locator("#section-why_it_matters textarea")
        expect(box).to_be_visible()
        page.keyboard.press("Tab")
        expect(box).to_be_focused()
        page.keyboard.press("Control+End")
        _keys(page, " About 9,999 people took part.")
        tab_to(page, "^Save why it matters$")
        page.keyboard.press("Enter")
        expect(page.locator(".flash.success")).to_contain_text("Saved version 2")
        tab_to(page, "^Release$", back=True)  # Shift+Tab: the bar is above the text
        page.keyboard.press("Enter")
        expect(page.locator("#status")).to_have_text("Waiting for review")

        page = bobs.page
        _keyboard_sign_in(page, "bob")
        page.goto(path)  # typed into the address bar
        tab_to(page, "^Claim for review$")
        page.keyboard.press("Enter")
        expect(page.locator("#status")).to_have_text("In review")

        # the marked figure leads to its finding's details on the page
        tab_to(page, r"^Finding \d+: error, numbers")
        page.keyboard.press("Enter")
        target = page.locator("li.finding-item:target")
        expect(target).to_have_count(1)
        expect(target).to_be_focused()
        expect(target.locator(".finding-message")).to_contain_text("cannot be traced")
        tab_to(page, "^Dismiss")
        page.keyboard.press("Enter")
        expect(target.locator("details.dismiss")).to_have_attribute("open", "")
        page.keyboard.press("Enter")  # and closes again
        expect(target.locator("details.dismiss")).not_to_have_attribute("open", "")

        # each error finding needs a written reason before approving
        for _ in range(page.locator("fieldset.overrides input").count()):
            tab_to(page, r"^Reason to override finding \d+")
            _keys(page, "Checked against the paper.")
        tab_to(page, "^Approve$")
        page.keyboard.press("Enter")
        expect(page.locator("#status")).to_have_text("Approved")
    finally:
        alices.close()
        bobs.close()


def _keyboard_sign_in(page: Page, name: str) -> None:
    page.goto("/signin")
    expect(page.get_by_label("Name")).to_be_focused()  # autofocus
    _keys(page, name)
    page.keyboard.press("Tab")
    _keys(page, PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/queue$"))

