"""`lint --format html` and `mantra --format html`: one self-contained page, valid HTML, and
nothing from the linted files runs in it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import html5lib
import pytest

REAL_COPY = Path(__file__).resolve().parents[2] / "shared" / "data" / "real-copy"
OUR_SCRIPT = "document.querySelectorAll('input[data-severity]')"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mantracheck", *args], capture_output=True, text=True, cwd=cwd)


def parse_errors(page: str) -> list:
    parser = html5lib.HTMLParser(strict=False)
    parser.parse(page)
    return parser.errors


def scripts(page: str) -> list[str]:
    return re.findall(r"<script\b[^>]*>(.*?)</script>", page, re.S | re.I)


def test_a_templates_own_html_and_script_never_run_in_the_report(tmp_path):
    hostile = tmp_path / "reply.html"
    hostile.write_text(
        "<p>Hi Sam, we guarantee a refund.</p>\n<script>alert('from the template')</script>\n"
        "<img src=x onerror=alert(1)>\n<p>Best, Ana &lt;/style&gt;</p>\n",
        encoding="utf-8",
    )
    named = tmp_path / "<b>odd name<i>.txt"
    named.write_text("We guarantee it.\n", encoding="utf-8")
    page = run("lint", "--no-config", "--format", "html", str(hostile), str(named)).stdout
    assert parse_errors(page) == []
    assert len(scripts(page)) == 1 and OUR_SCRIPT in scripts(page)[0]
    assert "<img" not in page and "<b>odd" not in page
    assert "&lt;script&gt;alert(&#x27;from the template&#x27;)&lt;/script&gt;" in page
    assert "&lt;b&gt;odd name&lt;i&gt;" in page
    assert re.search(r'<mark class="sev-error">we guarantee</mark>', page)
    assert "http://" not in page and "https://" not in page.split("<main>")[0]  # nothing fetched


def test_summary_counts_findings_per_rule_and_severity(tmp_path):
    copy = tmp_path / "a.txt"
    copy.write_text("We guarantee it. We guarantee that too.\n", encoding="utf-8")
    page = run("lint", "--no-config", "--format", "html", str(copy)).stdout
    row = re.search(r"<tr><td><code>overpromise.guarantee</code></td><td><span class=\"badge sev-error\">error</span></td><td>(\d+)</td></tr>", page)
    assert row and row.group(1) == "2"
    assert "Courtesy" in page and "overpromise risk" in page


def test_mantra_report_is_valid_and_ranked():
    page = run("mantra", "--format", "html", "People serving people.", "<script>x</script> we leverage synergies").stdout
    assert parse_errors(page) == []
    assert scripts(page) == []
    assert page.index("People serving people.") < page.index("&lt;script&gt;x&lt;/script&gt;")


@pytest.mark.skipif(not REAL_COPY.is_dir(), reason="../shared/data/real-copy is absent")
def test_the_report_of_real_copy_validates_and_runs_none_of_its_scripts():
    page = run("lint", "--no-config", "--format", "html", str(REAL_COPY)).stdout
    assert page.startswith("<!doctype html>")
    assert parse_errors(page) == []
    assert len(scripts(page)) == 1 and OUR_SCRIPT in scripts(page)[0]
    assert page.count('<section class="report-file">') >= 20
