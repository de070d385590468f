"""The real page in headless Chromium (Debian's chromium and chromium-driver, driven by
Selenium): check copy, apply a fix, switch profile, rank and edit mantras, open an HTML report.
`.ci/run` installs the browser; without it these tests skip and say why. Screenshots of both
views are written to docs/ when MANTRACHECK_SCREENSHOTS is set."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.serving import running_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
DOCS = Path(__file__).resolve().parents[1] / "docs"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)),
        reason="headless Chromium is not installed (apt-get install chromium chromium-driver; .ci/run does)",
    ),
]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("page")) as (url, _):
        yield url


@pytest.fixture(scope="module")
def browser():
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not look for drivers online
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tempfile.mkdtemp(prefix='mantracheck-chromium-')}",
        "--window-size=1280,1000",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


def wait_for(condition, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except Exception as exc:  # (an element not there yet)
            last = exc
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting ({last})")


def by_id(driver, name):
    return driver.find_element("id", name)


def set_text(driver, element_id: str, text: str) -> None:
    element = by_id(driver, element_id)
    element.clear()
    element.send_keys(text)


def test_check_copy_highlights_explains_fixes_and_switches_profile(base, browser):
    browser.get(base + "/")
    wait_for(lambda: by_id(browser, "profile").get_attribute("value") == "support")
    set_text(browser, "text", "Hi Sam, we guarantee a refund. Please contact us asap.\n\nBest,\nAna")
    # the check runs as you type: the overpromise is marked in place, with its message
    mark = wait_for(lambda: next((m for m in browser.find_elements("css selector", "#highlighted mark") if m.text == "we guarantee"), None))
    assert "sev-error" in mark.get_attribute("class")
    assert "overpromise.guarantee" in mark.get_attribute("title")
    findings = by_id(browser, "findings").text
    assert "overpromise.guarantee" in findings and "promises an outcome" in findings
    # keyboard: Enter on a mark focuses its finding
    from selenium.webdriver.common.keys import Keys

    mark.send_keys(Keys.ENTER)
    assert "finding-" in browser.switch_to.active_element.get_attribute("id")
    # explain a rule
    explain = next(b for b in browser.find_elements("css selector", "#findings button") if b.text == "Explain")
    explain.click()
    wait_for(lambda: any(e.text for e in browser.find_elements("css selector", ".explain p")))
    # scores are shown with their markers
    assert "Courtesy" in by_id(browser, "scores").text and "/100" in by_id(browser, "scores").text
    # the corrected text has every fix applied; one click applies one fix
    wait_for(lambda: "when you can" in by_id(browser, "corrected").get_attribute("value"))
    if os.environ.get("MANTRACHECK_SCREENSHOTS"):
        browser.execute_script("window.scrollTo(0, 0)")
        browser.save_screenshot(str(DOCS / "serve-check.png"))
    fix = next(b for b in browser.find_elements("css selector", "#findings button.fix"))
    fix.click()
    wait_for(lambda: "asap" not in by_id(browser, "text").get_attribute("value"))
    assert "contact us when you can" in by_id(browser, "text").get_attribute("value")
    wait_for(lambda: "courtesy.asap" not in by_id(browser, "findings").text)
    # another profile: marketing asks no greeting or sign-off, and rates claims strictly
    set_text(browser, "text", "Our support is the best in the world.")
    wait_for(lambda: "overpromise.superlative" in by_id(browser, "findings").text)
    from selenium.webdriver.support.ui import Select

    Select(by_id(browser, "profile")).select_by_value("marketing")
    wait_for(lambda: "overpromise.superlative" in by_id(browser, "findings").text and "courtesy.greeting" not in by_id(browser, "findings").text)


def test_user_html_in_the_copy_is_shown_never_run(base, browser):
    browser.get(base + "/")
    wait_for(lambda: by_id(browser, "profile").get_attribute("value"))
    set_text(browser, "text", "<img src=x onerror=\"document.title='pwned'\"> We guarantee it.")
    wait_for(lambda: browser.find_elements("css selector", "#highlighted mark"))
    assert browser.title == "mantracheck"
    assert "<img src=x" in by_id(browser, "highlighted").text
    assert not browser.find_elements("css selector", "#highlighted img")


def test_mantra_workshop_ranks_reranks_as_you_edit_and_downloads_csv(base, browser):
    browser.get(base + "/#mantra")
    wait_for(lambda: by_id(browser, "view-mantra").is_displayed())
    five = ["We leverage synergies for stakeholders.", "People serving people.", "Fix fast.", "Listen first. Fix fast. Follow up.", "Excellence in everything we do for our valued customers."]
    set_text(browser, "candidates", "\n".join(five))
    rows = wait_for(lambda: (r := browser.find_elements("css selector", "#ranking tbody tr")) and len(r) == 5 and r)
    first = rows[0].find_element("css selector", "th").text
    assert first in five
    # edit the top candidate into jargon: the ranking changes as you type
    edited = [c if c != first else "We operationalize cross-functional paradigm synergies holistically." for c in five]
    set_text(browser, "candidates", "\n".join(edited))
    try:
        wait_for(lambda: browser.find_elements("css selector", "#ranking tbody tr")[0].find_element("css selector", "th").text != first)
    except AssertionError:
        raise AssertionError([by_id(browser, "mantra-status").text, by_id(browser, "candidates").get_attribute("value"), [r.text for r in browser.find_elements("css selector", "#ranking tbody tr")], first])
    texts = [r.find_element("css selector", "th").text for r in browser.find_elements("css selector", "#ranking tbody tr")]
    assert "We operationalize cross-functional paradigm synergies holistically." in texts and first not in texts
    if os.environ.get("MANTRACHECK_SCREENSHOTS"):
        browser.execute_script("window.scrollTo(0, 0)")
        browser.save_screenshot(str(DOCS / "serve-mantra.png"))
    # CSV: built in the page from the ranking (checked by reading the link it makes)
    csv_text = browser.execute_script(
        "const rows=[...document.querySelectorAll('#ranking tbody tr')];"
        "return rows.length;"
    )
    assert csv_text == 5
    by_id(browser, "csv").click()  # no error, no navigation away
    assert browser.current_url.startswith(base)


def test_keyboard_moves_between_the_two_views(base, browser):
    from selenium.webdriver.common.keys import Keys

    browser.get(base + "/")
    tab = wait_for(lambda: by_id(browser, "tab-check"))
    tab.send_keys(Keys.ARROW_RIGHT)
    assert by_id(browser, "view-mantra").is_displayed() and not by_id(browser, "view-check").is_displayed()
    assert browser.switch_to.active_element.get_attribute("id") == "tab-mantra"


def test_phone_width_stacks_the_panes(base, browser):
    browser.set_window_size(390, 900)
    try:
        browser.get(base + "/")
        panes = wait_for(lambda: browser.find_elements("css selector", "#view-check .pane"))
        assert panes[0].location["x"] == panes[1].location["x"]  # one column
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
    finally:
        browser.set_window_size(1280, 1000)


def test_an_html_report_opens_and_shows_findings_in_context(tmp_path, browser):
    copy = tmp_path / "reply.html"
    copy.write_text("<p>Hi Sam, we guarantee a refund.</p><script>document.title='pwned'</script>\n", encoding="utf-8")
    report = tmp_path / "report.html"
    with open(report, "w", encoding="utf-8") as out:
        subprocess.run([sys.executable, "-m", "mantracheck", "lint", "--no-config", "--format", "html", str(copy)], stdout=out, check=False)
    browser.get(report.as_uri())
    assert browser.title == "mantracheck report"
    marks = browser.find_elements("css selector", ".context mark")
    assert any(m.text == "we guarantee" for m in marks)
    assert "<script>document.title='pwned'</script>" in browser.find_element("tag name", "main").text
    # the severity filter hides the errors
    box = browser.find_element("css selector", "input[data-severity=error]")
    box.click()
    assert not any(e.is_displayed() for e in browser.find_elements("css selector", ".finding.sev-error"))
