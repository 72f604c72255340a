"""A headless Chromium for the report tests: render a page, check its layout, take a picture.

``python -m tests.helpers.browser REPORT.html OUT.png`` takes the README's picture.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

#: Runs in the page once it has loaded; writes what it found into <pre id="ccsim-check">.
CHECK = """
<script>
window.addEventListener("load", function () {
  var imgs = Array.from(document.images);
  var broken = imgs.filter(function (i) { return !i.complete || i.naturalWidth === 0; })
                   .map(function (i) { return i.alt; });
  var small = imgs.filter(function (i) { return i.getBoundingClientRect().width < 200; })
                  .map(function (i) { return i.alt; });
  var head = document.querySelector(".headline");
  var box = head ? head.getBoundingClientRect() : null;
  var empty = Array.from(document.querySelectorAll("table"))
                   .filter(function (t) { return t.getBoundingClientRect().height <= 0; }).length;
  var out = {
    images: imgs.length, broken: broken, too_small: small,
    overflow_px: document.documentElement.scrollWidth - window.innerWidth,
    headline: head ? head.textContent : null,
    headline_top: box ? box.top : null, headline_height: box ? box.height : null,
    tables: document.querySelectorAll("table").length, empty_tables: empty,
    sections: Array.from(document.querySelectorAll("h2")).map(function (h) { return h.textContent; })
  };
  var pre = document.createElement("pre");
  pre.id = "ccsim-check";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
"""


def find_browser() -> str | None:
    """The Chromium (or Chrome) to use: ``CCSIM_BROWSER``, else the first on the PATH."""
    given = os.environ.get("CCSIM_BROWSER")
    if given:
        return given
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _run(
    browser: str, args: list[str], width: int, height: int
) -> subprocess.CompletedProcess[str]:
    profile = tempfile.mkdtemp(prefix="ccsim-browser-")
    try:
        return subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--no-first-run",
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                "--virtual-time-budget=5000",
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def check_page(browser: str, page: Path, width: int = 1280, height: int = 900) -> dict:
    """Render ``page`` and return what the check script found (images, overflow, headline)."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "check.html"
        copy.write_text(page.read_text(encoding="utf-8").replace("</body>", CHECK + "</body>"))
        done = _run(browser, ["--dump-dom", copy.as_uri()], width, height)
    found = re.search(r'<pre id="ccsim-check">(.*?)</pre>', done.stdout, re.S)
    if not found:
        raise RuntimeError(
            f"the browser rendered no result (exit {done.returncode}): {done.stderr[-2000:]}"
        )
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))


def screenshot(browser: str, page: Path, out: Path, width: int = 1000, height: int = 1250) -> Path:
    """A PNG of the top of ``page``, reduced to a palette of 128 colours to keep it small."""
    done = _run(browser, [f"--screenshot={out}", page.resolve().as_uri()], width, height)
    if not out.exists():
        raise RuntimeError(f"no screenshot (exit {done.returncode}): {done.stderr[-2000:]}")
    from PIL import Image

    Image.open(out).convert("RGB").quantize(colors=128).save(out, optimize=True)
    return out


if __name__ == "__main__":
    browser = find_browser()
    if browser is None:
        sys.exit("no chromium found (apt-get install chromium)")
    print(screenshot(browser, Path(sys.argv[1]), Path(sys.argv[2])))
