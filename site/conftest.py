"""Fixtures shared by the site tests: one local server for the built site, one browser."""

import pytest
from browsing import CHROMIUM, CHROMIUM_ARGS, SITE, serve


@pytest.fixture(scope="session")
def base_url():
    if not SITE.exists():
        pytest.fail(f"no built site at {SITE}: run `make book` first")
    with serve(SITE) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright  # a missing Playwright is an error, not a skip

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()
