"""How a person drives the pages: with a mouse or touch, or with the keyboard alone."""

from __future__ import annotations

import re
from datetime import date

from axe_playwright_python.sync_playwright import Axe

from app.records.invitations import invite_patient
from tests.e2e.conftest import DESKTOP, PHONE

ROW = re.compile(r"(?P<group>[a-z_]+)-(?P<n>\d+)-[a-z_]+")
AXE = Axe()
WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def check_accessibility(page) -> None:
    """axe-core at phone and desktop sizes: no WCAG 2.1 A or AA violation."""
    original = page.viewport_size
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        results = AXE.run(page, options=WCAG)
        assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
    page.set_viewport_size(original)


# Every control a finger taps, with its label when a label belongs to it (tapping a radio
# button's words chooses it, so the button and its words are one target).
_SMALL_TARGETS = """() => {
  const small = [];
  const hidden = el => el.closest('.visually-hidden, dialog:not([open]), [hidden]');
  document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, '
                            + 'summary, .zoomed .shown [data-region]').forEach(el => {
    const r = el.getBoundingClientRect();
    if (hidden(el) || r.width === 0 || r.height === 0 || r.right <= 0 || r.bottom <= 0) return;
    let box = {left: r.left, top: r.top, right: r.right, bottom: r.bottom};
    const label = el.id && document.querySelector('label[for="' + el.id + '"]');
    if (label && (el.type === 'radio' || el.type === 'checkbox')) {
      const l = label.getBoundingClientRect();
      box = {left: Math.min(box.left, l.left), top: Math.min(box.top, l.top),
             right: Math.max(box.right, l.right), bottom: Math.max(box.bottom, l.bottom)};
    }
    const width = box.right - box.left, height = box.bottom - box.top;
    if (width < 43.5 || height < 43.5) {
      small.push((el.innerText || el.value || el.name || el.tagName).trim().slice(0, 30)
                 + ' ' + Math.round(width) + 'x' + Math.round(height));
    }
  });
  return small;
}"""


_TOO_WIDE = """() => Array.from(document.querySelectorAll('body *'))
  .filter(el => el.getBoundingClientRect().right > 360.5)
  .slice(-3).map(el => el.tagName + '.' + el.className + ' '
                 + Math.round(el.getBoundingClientRect().right) + ' '
                 + (el.innerText || '').slice(0, 40))"""


def small_targets(page) -> list[str]:
    """The controls on the page smaller than 44 × 44 CSS pixels, with their sizes."""
    return page.evaluate(_SMALL_TARGETS)


def scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") > page.viewport_size["width"]


def check_phone_page(page) -> None:
    """A patient page at 360 px: no sideways scrolling, every target 44 × 44 or more."""
    assert not scrolls_sideways(page), (page.url, page.evaluate(_TOO_WIDE))
    small = small_targets(page)
    assert small == [], (page.url, small)


def invite(app, name="Sunita Devi", email="sunita@example.org", dob=date(1958, 6, 3)):
    with app.app_context():
        _, url = invite_patient(name, dob, email, date(2027, 2, 1))
    return url


def accept(page, url, dob=date(1958, 6, 3), password="quiet-river-stones", phone=""):
    page.goto(url)
    page.fill('[name="dob_day"]', str(dob.day))
    page.fill('[name="dob_month"]', str(dob.month))
    page.fill('[name="dob_year"]', str(dob.year))
    page.fill('[name="phone"]', phone)
    page.fill('[name="password"]', password)
    page.fill('[name="confirm"]', password)
    page.click('main form button[type="submit"]')  # "Continue", in whichever language


def login(page, base, identifier, password):
    page.goto(base + "/auth/login")
    page.fill('[name="identifier"]', identifier)
    page.fill('[name="password"]', password)
    page.click('button:has-text("Log in")')


def set_field(page, name: str, value: str) -> None:
    """Answer one field as a person with a pointer would."""
    field = page.locator(f'[name="{name}"]').first
    kind = field.get_attribute("type")
    if kind in ("radio", "checkbox"):
        page.check(f'[name="{name}"][value="{value}"]')
    else:
        page.fill(f'[name="{name}"]', value)


def fill_section(page, pairs) -> None:
    """Answer the fields of ``pairs`` that stand on this page and can be seen."""
    for name, value in pairs:
        field = page.locator(f'[name="{name}"]').first
        if field.count() and field.is_visible():
            set_field(page, name, value)


def save(page) -> None:
    """Press Save and continue, and wait for the next page: filling in a page still
    on its way out would lose the answers on a slow machine."""
    with page.expect_navigation():
        page.click('.actions button[value="save"]')


def split_rows(pairs):
    """The plain answers of a section's posts, and its lists' rows: {group: [[pairs]]}."""
    plain, rows = [], {}
    for name, value in pairs:
        match = ROW.fullmatch(name)
        if match:
            by_index = rows.setdefault(match["group"], {})
            by_index.setdefault(int(match["n"]), []).append((name.split("-", 2)[2], value))
        else:
            plain.append((name, value))
    return plain, {g: [r[n] for n in sorted(r)] for g, r in rows.items()}


def section_loaded(page) -> str:
    """Wait for a section page to load, and name its section.

    A click on "Start" returns as soon as the next page's address is known, before the
    page is drawn. A question not yet drawn was then passed over as not shown, and the
    page's script, once it ran, hid the question that answer would have opened.
    """
    page.wait_for_url(re.compile(r"/intake/section/"))
    return re.search(r"/intake/section/([a-z_]+)", page.url).group(1)


def answer_section(page, pairs, on_page=None) -> None:
    """Answer one section page by page as a person would; its lists through row pages.

    ``on_page(page)`` is called on each page once it is filled in, before it is saved.
    """
    section = section_loaded(page)
    plain, rows = split_rows(pairs)
    while True:
        fill_section(page, plain)
        for group, group_rows in list(rows.items()):
            add = page.locator(f"#add-{group}")
            if not (add.count() and add.is_visible()):
                continue
            for row in group_rows:
                page.click(f"#add-{group}")
                for name, value in row:
                    set_field(page, name, value)
                if on_page:
                    on_page(page)
                with page.expect_navigation():
                    page.click('.actions button[type="submit"]')
            del rows[group]
        if on_page:
            on_page(page)
        save(page)
        if "/support" in page.url:
            with page.expect_navigation():
                page.click("main a.button")  # "Continue with the questions"
        errors = page.locator(".error-summary")
        assert not errors.count(), (page.url, errors.all_inner_texts())
        if f"/intake/section/{section}" not in page.url:
            return


def answer_all(page, posts, on_page=None) -> None:
    for pairs in posts.values():
        answer_section(page, pairs, on_page)


def tab_to(page, selector: str, limit: int = 300) -> None:
    """Press Tab until ``selector`` has focus."""
    tabs_to(page, selector, limit)


def key_field(page, name: str, value: str) -> None:
    """Answer one field with the keyboard alone."""
    kind = page.locator(f'[name="{name}"]').first.get_attribute("type")
    if kind == "checkbox":
        tab_to(page, f'[name="{name}"][value="{value}"]')
        if not page.is_checked(f'[name="{name}"][value="{value}"]'):
            page.keyboard.press("Space")
    elif kind == "radio":
        tab_to(page, f'[name="{name}"]')
        for _ in range(20):
            if page.evaluate("() => document.activeElement.value") == value:
                break
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Space")
        assert page.is_checked(f'[name="{name}"][value="{value}"]'), name
    else:
        tab_to(page, f'[name="{name}"]')
        page.keyboard.press("Control+A")
        page.keyboard.type(value)


def tabs_to(page, selector: str, limit: int = 300) -> int:
    """Press Tab until ``selector`` has focus; how many presses it took."""
    for count in range(limit):
        if page.evaluate(
            "s => !!document.activeElement && document.activeElement.matches(s)", selector
        ):
            return count
        page.keyboard.press("Tab")
    raise AssertionError(f"could not reach {selector} with the Tab key")


def key_answer_section(page, pairs, tabs_after_add=None) -> None:
    """Answer one section page by page with the keyboard alone, its lists' rows too.

    ``tabs_after_add`` collects, for each row added, the Tabs from the new row's page
    opening to its first field.
    """
    section = section_loaded(page)
    plain, rows = split_rows(pairs)
    while True:
        for name, value in plain:
            field = page.locator(f'[name="{name}"]').first
            if field.count() and field.is_visible():
                key_field(page, name, value)
        for group, group_rows in list(rows.items()):
            add = page.locator(f"#add-{group}")
            if not (add.count() and add.is_visible()):
                continue
            for row in group_rows:
                tab_to(page, f"#add-{group}")
                with page.expect_navigation():
                    page.keyboard.press("Enter")
                first = row[0][0]
                if tabs_after_add is not None:
                    tabs_after_add.append(tabs_to(page, f'[name="{first}"]'))
                for name, value in row:
                    key_field(page, name, value)
                tab_to(page, '.actions button[type="submit"]')
                with page.expect_navigation():
                    page.keyboard.press("Enter")
            del rows[group]
        tab_to(page, '.actions button[value="save"]')
        with page.expect_navigation():
            page.keyboard.press("Enter")
        if "/support" in page.url:
            tab_to(page, "main a.button")
            with page.expect_navigation():
                page.keyboard.press("Enter")
        errors = page.locator(".error-summary")
        assert not errors.count(), (page.url, errors.all_inner_texts())
        if f"/intake/section/{section}" not in page.url:
            return


def start_patient(browser, app, name, email, phone, viewport=PHONE):
    """A new patient in their own browser, past the invitation and consent pages."""
    page = browser.new_context(viewport=viewport).new_page()
    accept(page, invite(app, name=name, email=email), phone=phone)
    page.check("#agree")
    page.click('button:has-text("Start")')
    return page
