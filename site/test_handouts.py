"""The printable handouts (`make handouts`): every PDF is there, opens, has pages and figures.

The check itself is tested on a PDF that Chromium prints here from a tiny page, and on a
truncated copy of it.
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
