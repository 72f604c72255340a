"""The reports rendered by a real headless browser: every image shows, the layout holds.

Needs Chromium (Debian: ``apt-get install chromium``; ``.ci/run`` installs it). Where it
is missing the tests skip, except when ``CCSIM_REQUIRE_BROWSER=1`` (set by ``.ci/run``):
then they fail and say why.
"""

import os
import re

import pytest

from tests.cli.test_report_html import TWO_GROUPS
from tests.cli.test_run_cli import COMPACT
from tests.helpers.browser import check_page, find_browser


@pytest.fixture(scope="module")
def browser():
    found = find_browser()
    if found is None:
        message = (
            "no headless browser: install Chromium (apt-get install chromium) "
            "or set CCSIM_BROWSER to its path"
        )
        if os.environ.get("CCSIM_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " (CCSIM_REQUIRE_BROWSER=1)")
        pytest.skip(message)
    return found


def assert_renders(result, images):
    assert result["images"] == images
    assert result["broken"] == [], f"images that did not render: {result['broken']}"
    assert result["too_small"] == [], f"figures drawn too small: {result['too_small']}"
    assert result["overflow_px"] <= 0, "the page is wider than the window"
    assert result["empty_tables"] == 0 and result["tables"] >= 3
    # the headline is on the first screen, and says how many targets are met
    assert re.search(r"\d+ of \d+ targets met", result["headline"])
    assert 0 < result["headline_top"] < 300 and result["headline_height"] > 20


def test_run_report_renders_in_a_browser(browser, ccsim, tmp_path):
    p = tmp_path / "two.yaml"
    p.write_text(TWO_GROUPS)
    out = tmp_path / "run"
    assert ccsim("run", p, "-r", "1", "--out", out).code == 0
    result = check_page(browser, out / "report.html")
    assert_renders(result, images=len(list((out / "figures").iterdir())))
    assert result["sections"][:3] == [
        "Targets",
        "Alarms: intervals and groups that break a target",
        "Figures",
    ]
    # the check sees a broken image when there is one
    page = (out / "report.html").read_text()
    broken = tmp_path / "broken.html"
    broken.write_text(re.sub(r"base64,[A-Za-z0-9+/]{40}", "base64,AAAA", page, count=1))
    assert len(check_page(browser, broken)["broken"]) == 1


def test_comparison_report_renders_in_a_browser(browser, ccsim, tmp_path):
    a = tmp_path / "a.yaml"
    a.write_text(COMPACT)
    b = tmp_path / "b.yaml"
    b.write_text(
        COMPACT.replace("name: mmn-example", "name: other").replace("agents: 12", "agents: 10")
    )
    out = tmp_path / "cmp"
    assert ccsim("compare", a, b, "-r", "1", "--out", out).code == 0
    assert_renders(check_page(browser, out / "report.html"), images=3)
