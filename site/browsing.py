"""Opening the built site in headless Chromium: a local server, a page visit, its problems.

SITE_DIR (default _build/html) is the site; CHROMIUM (default Debian's /usr/bin/chromium) the
browser, driven with Playwright; SCREENSHOT_DIR (default _build/screenshots) gets screenshots.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = Path(os.environ.get("SITE_DIR", ROOT / "_build" / "html"))
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "_build" / "screenshots"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without these, Chromium phones home at start and on a closed network logs refused connections.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


LATE_REQUESTS_MS = 1000


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path):
    """Serve ``directory`` on a free localhost port; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


def visit(browser, url: str, base: str, color_scheme: str = "light"):
    """Open ``url``; return the page and what went wrong while it loaded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  color_scheme=color_scheme)
    page = context.new_page()
    problems: list[str] = []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                  else (problems.append(f"external request: {route.request.url}"),
                        route.abort()))
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    page.on("requestfailed", lambda r: r.url.startswith(base) and problems.append(
        f"failed request: {r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and problems.append(
        f"HTTP {r.status}: {r.url}"))
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.evaluate("() => window.MathJax?.startup?.promise")  # wait until math is typeset
    # Chromium asks for the favicon, late fonts and deferred scripts after `load`, and can do
    # so after the network first fell idle: give late requests time to start, then to end.
    page.wait_for_timeout(LATE_REQUESTS_MS)
    page.wait_for_load_state("networkidle")
    return page, problems


BROKEN_IMAGES = """() => [...document.images]
    .filter(img => !img.complete || img.naturalWidth === 0).map(img => img.src)"""
RAW_MATH = """() => [...document.querySelectorAll('.math')]
    .filter(el => !el.querySelector('mjx-container')).map(el => el.textContent.slice(0, 60))"""
FIGURES = "() => document.querySelectorAll('.cell_output img').length"
NOTEBOOK_CELLS = "() => document.querySelectorAll('div.cell').length"
# A control a reader can see but that does nothing: a widget's slider, drop-down or button
# (an explorer needs a kernel; on the static site it must be hidden). Animation controls work.
DEAD_CONTROLS = """() => [...document.querySelectorAll(
        '.jupyter-widgets input, .jupyter-widgets select, .jupyter-widgets button')]
    .filter(el => el.offsetParent !== null && !el.closest('.animation')).length"""
ANIMATIONS_WITHOUT_CONTROLS = """() => [...document.querySelectorAll('.animation')]
    .filter(a => a.querySelectorAll('button').length < 5 || !a.querySelector('input[type=range]')
            || !a.querySelector('img') || a.querySelector('img').naturalWidth === 0).length"""


def browser_problems(browser, base: str, path: str, screenshot: Path | None = None) -> list[str]:
    """Everything a reader's browser would show going wrong on one page."""
    page, problems = visit(browser, base + path, base)
    problems += [f"image did not load: {src}" for src in page.evaluate(BROKEN_IMAGES)]
    problems += [f"math left untypeset: {text!r}" for text in page.evaluate(RAW_MATH)]
    if page.evaluate(NOTEBOOK_CELLS) and not page.evaluate(FIGURES):
        problems.append("a chapter notebook page without a single figure")
    if dead := page.evaluate(DEAD_CONTROLS):
        problems.append(f"{dead} widget controls shown that cannot work without a kernel")
    if page.evaluate(ANIMATIONS_WITHOUT_CONTROLS):
        problems.append("an animation without its controls or its first frame")
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=screenshot, full_page=True)
    page.context.close()
    return problems


