"""The built site as a reader gets it: every page opened in headless Chromium, plus static checks.

Run by `make site-test` after `make book`. SITE_DIR (default _build/html) is served on
localhost; Chromium (Debian's /usr/bin/chromium, or CHROMIUM) is driven with Playwright. A page
fails on a console error, a request that fails or leaves the site, an image that did not load,
math left untypeset, a chapter notebook without figures, or an animation without controls.
Screenshots of the chapter pages go to SCREENSHOT_DIR (default _build/screenshots).
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import checks
import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE = Path(os.environ.get("SITE_DIR", ROOT / "_build" / "html"))
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "_build" / "screenshots"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without these, Chromium phones home at start and on a closed network logs refused connections.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAGES = [p.relative_to(SITE).as_posix() for p in checks.pages(SITE)] if SITE.exists() else []


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


@pytest.fixture(scope="session")
def base_url():
    if not SITE.exists():
        pytest.fail(f"no built site at {SITE}: run `make book` first")
    with serve(SITE) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    playwright = pytest.importorskip("playwright.sync_api").sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()


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
    return page, problems


BROKEN_IMAGES = """() => [...document.images]
    .filter(img => !img.complete || img.naturalWidth === 0).map(img => img.src)"""
RAW_MATH = """() => [...document.querySelectorAll('.math')]
    .filter(el => !el.querySelector('mjx-container')).map(el => el.textContent.slice(0, 60))"""
FIGURES = "() => document.querySelectorAll('.cell_output img').length"
NOTEBOOK_CELLS = "() => document.querySelectorAll('div.cell').length"
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
    if page.evaluate(ANIMATIONS_WITHOUT_CONTROLS):
        problems.append("an animation without its controls or its first frame")
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=screenshot, full_page=True)
    page.context.close()
    return problems


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_cleanly_in_a_browser(browser, base_url, path):
    shot = SHOTS / (Path(path).stem + ".png") if path.startswith("chapters/") else None
    problems = browser_problems(browser, base_url, path, shot)
    assert not problems, "\n".join(problems)


def test_a_chapter_reads_in_dark_mode(browser, base_url):
    page, problems = visit(browser, base_url + "chapters/01_why_nonlinearity.html", base_url,
                           color_scheme="dark")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "01_why_nonlinearity-dark.png", full_page=False)
    theme = page.evaluate("() => document.documentElement.dataset.theme")
    page.context.close()
    assert theme == "dark" and not problems, problems


@pytest.mark.parametrize("check", [checks.broken_links, checks.external_resources,
                                   checks.missing_resources, checks.images_without_alt,
                                   checks.heading_jumps],
                         ids=lambda f: f.__name__)
def test_static_check(check):
    problems = check(SITE)
    assert not problems, "\n".join(problems)


def test_heaviest_page_is_within_budget(capsys):
    weights = {p.relative_to(SITE).as_posix(): checks.page_weight(SITE, p)
               for p in checks.pages(SITE)}
    heaviest = max(weights, key=weights.get)
    with capsys.disabled():  # the sizes belong in the build log
        print(f"\nsite: {checks.site_size(SITE) / 1e6:.1f} MB in all; heaviest page: "
              f"{heaviest}, {weights[heaviest] / 1e6:.2f} MB with its images")
    assert not checks.heavy_pages(SITE), checks.heavy_pages(SITE)
