"""The printable handouts (`make handouts`): every PDF is there, opens, has pages and figures,
and prints nothing that needs a screen (the contents block, a sentence about an animation);
the course PDF has every chapter's title.

The check itself is tested on PDFs that Chromium prints here from tiny pages, and on a
truncated copy of one.
"""

from __future__ import annotations

import handouts
import pytest
from test_breakage import PNG


def test_every_handout_opens_with_pages_and_figures(capsys):
    with capsys.disabled():  # the page counts belong in the build log
        for path in handouts.expected_pdfs():
            if path.exists():
                s = handouts.pdf_summary(path)
                print(f"\nhandout {path.name}: {s['pages']} pages, {s['images']} images", end="")
    problems = handouts.check()
    assert not problems, "\n".join(problems)


def test_the_pdf_check_counts_pages_and_images(browser, tmp_path):
    import base64

    page = browser.new_page()
    src = "data:image/png;base64," + base64.b64encode(PNG).decode()
    img = f'<img alt="dot" style="width:2cm" src="{src}">'
    page.set_content(f"<p>one</p>{img}<p style='break-before: page'>two</p>")
    path = tmp_path / "two.pdf"
    page.pdf(path=str(path), format="A4")
    page.close()
    assert handouts.pdf_summary(path) == {"pages": 2, "images": 1}
    (tmp_path / "cut.pdf").write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(ValueError):
        handouts.pdf_summary(tmp_path / "cut.pdf")


def test_the_text_check_sees_a_contents_block_and_an_animation(browser, tmp_path):
    page = browser.new_page()
    page.set_content("<h2>Contents</h2><p>1.1. Why</p><p>On the static page, the Animation "
                     "below sweeps the bias.</p>")
    page.pdf(path=str(tmp_path / "screen.pdf"), format="A4")
    page.set_content("<h1>1. Why non-linearity</h1><p>A table of contents is fine, and so is "
                     "an explorer in the notebook.</p>")
    page.pdf(path=str(tmp_path / "paper.pdf"), format="A4")
    page.close()
    found = handouts.print_problems(handouts.pdf_text(tmp_path / "screen.pdf"))
    assert [p.split(":")[0] for p in found] == ["a contents block", "a mention of an animation"]
    paper = handouts.pdf_text(tmp_path / "paper.pdf")
    assert "1. Why non-linearity" in paper and handouts.print_problems(paper) == []


def test_the_chapter_titles_are_numbered_as_on_the_pages():
    titles = handouts.chapter_titles()
    assert list(titles) == handouts.CHAPTERS
    assert all(title.startswith(f"{int(stem[:2])}. ") for stem, title in titles.items())
