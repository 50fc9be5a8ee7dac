"""The built site as a reader gets it: every page opened in headless Chromium, plus static checks.

Run by `make site-test` after `make book`. A page fails on a console error, a request that fails
or leaves the site, an image that did not load, math left untypeset, a chapter notebook without
figures, or an animation without controls; the static checks add broken links and anchors,
resources from outside the site, missing alt text, skipped heading levels and page weight.
"""

from __future__ import annotations

from pathlib import Path

import checks
import pytest
from browsing import SHOTS, SITE, browser_problems, visit

PAGES = [p.relative_to(SITE).as_posix() for p in checks.pages(SITE)] if SITE.exists() else []


@pytest.fixture(scope="module", autouse=True)
def built_site():
    """No built site, or an empty one, fails every test here instead of passing them vacuously."""
    if not PAGES:
        pytest.fail(f"no built pages under {SITE}: run `make book` first")


@pytest.mark.parametrize("path", PAGES or ["(no site built)"])
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
                                   checks.missing_resources, checks.pages_without_icon,
                                   checks.images_without_alt,
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
