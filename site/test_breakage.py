"""The site checks catch a page broken on purpose: each kind of breakage, one tiny site each."""

from __future__ import annotations

from pathlib import Path

import checks
import pytest
from browsing import browser_problems, serve

PNG = bytes.fromhex(  # a 1x1 transparent PNG
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001" "0d0a2db40000000049454e44ae426082")


ICON = '<link rel="icon" href="ok.png">'  # a page without one makes Chromium ask /favicon.ico


def site(tmp_path: Path, body: str, head: str = ICON) -> Path:
    """A one-page site whose page has ``body``, with an image and a second page to link to."""
    (tmp_path / "ok.png").write_bytes(PNG)
    (tmp_path / "other.html").write_text(
        f'<html><head>{ICON}</head><body><h1 id="top">other</h1></body></html>')
    (tmp_path / "index.html").write_text(
        f"<html><head>{head}</head><body><h1>page</h1>{body}</body></html>")
    return tmp_path


def test_a_clean_page_passes(tmp_path, browser):
    root = site(tmp_path, '<img src="ok.png" alt="a dot"><a href="other.html#top">other</a>')
    assert not checks.broken_links(root) and not checks.images_without_alt(root)
    assert not checks.pages_without_icon(root)
    with serve(root) as base:
        assert browser_problems(browser, base, "index.html") == []


def test_an_external_script_is_caught(tmp_path, browser):
    root = site(tmp_path, "", head=ICON + '<script src="https://cdn.example.org/lib.js"></script>')
    assert checks.external_resources(root)
    with serve(root) as base:
        assert any("external request" in p for p in browser_problems(browser, base, "index.html"))


def test_a_missing_image_is_caught(tmp_path, browser):
    root = site(tmp_path, '<img src="gone.png" alt="a figure">')
    assert checks.missing_resources(root)
    with serve(root) as base:
        problems = browser_problems(browser, base, "index.html")
    assert any("did not load" in p or "404" in p for p in problems)


@pytest.mark.parametrize("href", ["missing.html", "other.html#nowhere"])
def test_a_broken_link_or_anchor_is_caught(tmp_path, href):
    root = site(tmp_path, f'<a href="{href}">broken</a>')
    assert checks.broken_links(root)


def test_a_script_error_is_caught(tmp_path, browser):
    root = site(tmp_path, "<script>undefinedFunction()</script>")
    with serve(root) as base:
        assert any("script error" in p for p in browser_problems(browser, base, "index.html"))


def test_untypeset_math_is_caught(tmp_path, browser):
    root = site(tmp_path, '<span class="math">\\(x^2\\)</span>')
    with serve(root) as base:
        assert any("untypeset" in p for p in browser_problems(browser, base, "index.html"))


def test_an_image_without_alt_text_or_with_a_file_name_is_caught(tmp_path):
    root = site(tmp_path, '<img src="ok.png"><img src="ok.png" alt="../_images/ok.png">')
    assert len(checks.images_without_alt(root)) == 2


def test_a_skipped_heading_level_is_caught(tmp_path):
    root = site(tmp_path, "<h2>a</h2><h4>b</h4>")
    assert checks.heading_jumps(root)


def test_a_heavy_page_is_caught(tmp_path):
    root = site(tmp_path, '<img src="big.png" alt="big">')
    (root / "big.png").write_bytes(b"0" * 2_100_000)
    assert checks.heavy_pages(root)


def test_a_chapter_without_figures_is_caught(tmp_path, browser):
    root = site(tmp_path, '<div class="cell"><pre>print(1)</pre></div>')
    with serve(root) as base:
        assert any("without a single figure" in p
                   for p in browser_problems(browser, base, "index.html"))


def test_an_animation_without_controls_is_caught(tmp_path, browser):
    root = site(tmp_path, '<div class="animation"><img src="ok.png" alt="frame"></div>')
    with serve(root) as base:
        assert any("animation" in p for p in browser_problems(browser, base, "index.html"))


def test_a_page_without_a_favicon_is_caught(tmp_path):
    # Headless Chromium does not always ask for /favicon.ico, so the check reads the page.
    without, with_icon = tmp_path / "without", tmp_path / "with"
    without.mkdir(), with_icon.mkdir()
    assert checks.pages_without_icon(site(without, "", head=""))
    assert not checks.pages_without_icon(site(with_icon, "", head=ICON))


def test_a_favicon_that_is_not_there_is_caught(tmp_path):
    root = site(tmp_path, "", head='<link rel="icon" href="gone.svg">')
    assert any("gone.svg" in p for p in checks.missing_resources(root))


def test_a_widget_control_on_the_static_page_is_caught(tmp_path, browser):
    slider = '<div class="jupyter-widgets"><input type="range" aria-label="w"></div>'
    root = site(tmp_path, slider)
    with serve(root) as base:
        assert any("cannot work without a kernel" in p
                   for p in browser_problems(browser, base, "index.html"))
