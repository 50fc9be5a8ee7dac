"""Printable handouts: each chapter, and the whole course, printed to PDF from the built site.

Run by `make handouts` after `make book`. Headless Chromium (the browser the site test uses,
driven by Playwright) opens each chapter page from a local server, waits until MathJax has
typeset every formula, switches to print media and prints on A4. Everything is offline: the
site serves its own MathJax, and any request leaving it is refused.

The handouts are for students: the print style below leaves out the solutions, the site's
navigation, the contents block the theme prints at the top of a page, and the explorers and
animations with every sentence about them (which need a screen: the chapters put such a
sentence in a ``screen-only`` block); figures, formulas and visible code stay. Each chapter
starts with its own numbered title. The course PDF is chapter 1's page with the articles of
the other chapters appended, each starting on a new sheet.

    python site/handouts.py            # writes _build/html/_static/handouts/*.pdf
    python site/handouts.py --check    # checks the PDFs: they open, have pages and images,
                                       # and print no contents block and no animation

SITE_DIR and CHROMIUM as for the site test (site/browsing.py).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
import unicodedata
import zlib
from pathlib import Path

from browsing import CHROMIUM, CHROMIUM_ARGS, SITE, serve

CHAPTERS = sorted(p.stem for p in (Path(__file__).resolve().parent.parent / "chapters")
                  .glob("[0-9][0-9]_*.ipynb"))
OUT = SITE / "_static" / "handouts"
COURSE = "course"

PRINT_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
@media print {
  html { font-size: 13px; }
  .bd-header, .bd-header-article, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-footer,
  .bd-footer-article, .prev-next-area, .bd-footer-content, #pst-back-to-top, .skip-link,
  .header-article-items, .search-button-field, .pst-async-banner-revealer,
  .solution, .animation, .actlib-explorer, .jupyter-widgets, .widget-subarea,
  .toggle-hidden, button.toggle-button, #jb-print-docs-body, .screen-only,
  .actlib-sweep-note { display: none !important; }
  /* the theme prints the title in the contents block and hides the article's first h1 */
  .bd-main .bd-content .bd-article h1:first-of-type { display: block !important; }
  .bd-main, .bd-content, .bd-article-container, .bd-article, .bd-page-width {
    max-width: 100% !important; width: 100% !important; margin: 0 !important;
    padding: 0 !important; }
  pre { white-space: pre-wrap !important; word-break: break-word; font-size: 0.85rem; }
  img { max-width: 100% !important; height: auto !important; }
  figure, .cell_output img, .exercise, table { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
  mjx-container[display="true"] { overflow: visible !important; }
  .handout-chapter { break-before: page; }
}
"""

# What a handout leaves out, removed from the page before printing (the style hides it too).
PRUNE = (".solution, .animation, .actlib-sweep-note, .actlib-explorer, .jupyter-widgets, "
         ".screen-only, #jb-print-docs-body, article script")
PRUNE_JS = f"() => document.querySelectorAll('{PRUNE}').forEach(el => el.remove())"

# Append the article of each other chapter to this page (same folder, so images resolve).
APPEND_CHAPTERS = """async ([paths, prune]) => {
  const main = document.querySelector('article.bd-article');
  for (const path of paths) {
    const html = await (await fetch(path)).text();
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const article = doc.querySelector('article.bd-article');
    article.querySelectorAll(prune).forEach(el => el.remove());
    const part = document.createElement('div');
    part.className = 'handout-chapter';
    part.innerHTML = article.innerHTML;
    main.appendChild(part);
  }
  await Promise.all([...main.querySelectorAll('img')].map(img => img.decode().catch(() => {})));
  if (window.MathJax?.typesetPromise) { await MathJax.typesetPromise(); }
}"""


def _ready(page) -> None:
    page.wait_for_load_state("networkidle")
    page.evaluate("() => window.MathJax?.startup?.promise")  # every formula typeset


def _print(page, path: Path, title: str) -> None:
    page.evaluate(PRUNE_JS)
    page.add_style_tag(content=PRINT_CSS)
    page.emulate_media(media="print")
    footer = ('<div style="font-size:8px; width:100%; padding:0 14mm; color:#555; '
              f'display:flex; justify-content:space-between"><span>{title}</span>'
              '<span><span class="pageNumber"></span> / <span class="totalPages"></span>'
              '</span></div>')
    page.pdf(path=str(path), format="A4", print_background=True, prefer_css_page_size=True,
             display_header_footer=True, header_template="<span></span>",
             footer_template=footer)


def make_handouts() -> list[Path]:
    """Print every chapter and the whole course; return the PDFs written."""
    from playwright.sync_api import sync_playwright

    if not (SITE / "chapters").is_dir():
        sys.exit(f"no built site at {SITE}: run `make book` first")
    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    with serve(SITE) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 900, "height": 1200})
        context.route("**/*", lambda route: route.continue_()
                      if route.request.url.startswith(base) else route.abort())
        page = context.new_page()
        for stem in CHAPTERS:
            page.goto(f"{base}chapters/{stem}.html", wait_until="load")
            _ready(page)
            title = page.title().split(" — ")[0]
            _print(page, OUT / f"{stem}.pdf", title)
            written.append(OUT / f"{stem}.pdf")
        page.goto(f"{base}chapters/{CHAPTERS[0]}.html", wait_until="load")
        _ready(page)
        page.evaluate(APPEND_CHAPTERS, [[f"{stem}.html" for stem in CHAPTERS[1:]], PRUNE])
        _print(page, OUT / f"{COURSE}.pdf", "Activation Functions: the course")
        written.append(OUT / f"{COURSE}.pdf")
        browser.close()
    return written


def pdf_summary(path: Path) -> dict[str, int]:
    """Pages and images of a PDF, read with the standard library only.

    Counts page objects (``/Type /Page``) and image objects (``/Subtype /Image``, less the
    soft masks that carry images' transparency), looking inside compressed object streams
    too. Raises ValueError for a file that is not a complete PDF.
    """
    data = path.read_bytes()
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise ValueError(f"{path}: not a complete PDF")
    chunks = [data]
    for match in re.finditer(rb"/Type\s*/ObjStm.*?stream\r?\n", data, re.S):
        end = data.find(b"endstream", match.end())
        try:
            chunks.append(zlib.decompress(data[match.end():end]))
        except zlib.error:
            pass
    text = b"\n".join(chunks)
    images = len(re.findall(rb"/Subtype\s*/Image\b", text))
    masks = len(re.findall(rb"/SMask\s+\d+\s+\d+\s+R", text))  # an image's alpha channel
    return {"pages": len(re.findall(rb"/Type\s*/Page(?![s\w])", text)),
            "images": images - masks}


def pdf_text(path: Path) -> str:
    """The text of a PDF, by poppler's pdftotext (Debian's poppler-utils), NFKC-normalised."""
    tool = shutil.which("pdftotext")
    if tool is None:
        raise FileNotFoundError("the handouts' text check needs pdftotext: "
                                "apt-get install poppler-utils")
    out = subprocess.run([tool, "-enc", "UTF-8", str(path), "-"], capture_output=True,
                         check=True).stdout.decode("utf-8", errors="replace")
    return unicodedata.normalize("NFKC", out)


# What paper cannot show: the theme's contents block (a line "Contents"), and any mention of an
# animation, which needs a screen (a chapter's sentence about one sits in a screen-only block).
SCREEN_ONLY = {"a contents block": re.compile(r"^\s*Contents\s*$", re.M),
               "a mention of an animation": re.compile(r"\banimat\w*", re.I)}


def print_problems(text: str) -> list[str]:
    """What a handout's text shows that belongs on a screen only, with its first occurrence."""
    return [f"{what}: {' '.join(text[max(0, m.start() - 60):m.end() + 60].split())!r}"
            for what, pattern in SCREEN_ONLY.items() if (m := pattern.search(text))]


def chapter_titles() -> dict[str, str]:
    """Each chapter's numbered title as its page shows it: "3. ReLU and dying neurons"."""
    titles = {}
    for stem in CHAPTERS:
        path = Path(__file__).resolve().parent.parent / "chapters" / f"{stem}.ipynb"
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        first = next("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        heading = next(line for line in first.splitlines() if line.startswith("# "))
        titles[stem] = f"{int(stem[:2])}. {heading[2:].strip()}"
    return titles


def text_problems(path: Path) -> list[str]:
    """A handout's text: nothing screen-only, and (the course) every chapter's title."""
    text = pdf_text(path)
    problems = [f"{path.name}: prints {p}" for p in print_problems(text)]
    if path.stem == COURSE:
        flat = " ".join(text.split())
        problems += [f"{path.name}: no title {title!r}" for title in chapter_titles().values()
                     if title not in flat]
    return problems


def expected_pdfs() -> list[Path]:
    return [OUT / f"{stem}.pdf" for stem in CHAPTERS] + [OUT / f"{COURSE}.pdf"]


def check() -> list[str]:
    """Problems with the handouts: missing, unreadable, empty, without figures or titles, or
    printing what needs a screen."""
    problems, pages = [], {}
    for path in expected_pdfs():
        if not path.exists():
            problems.append(f"{path.name}: missing (run `make handouts`)")
            continue
        try:
            summary = pdf_summary(path)
        except ValueError as error:
            problems.append(str(error))
            continue
        pages[path.stem] = summary["pages"]
        if summary["pages"] < 2:
            problems.append(f"{path.name}: {summary['pages']} pages, a chapter needs more")
        if summary["images"] < 1:
            problems.append(f"{path.name}: no images, so no figures")
        problems += text_problems(path)
    chapters = sum(n for stem, n in pages.items() if stem != COURSE)
    if COURSE in pages and len(pages) == len(CHAPTERS) + 1 and pages[COURSE] < 0.8 * chapters:
        problems.append(f"{COURSE}.pdf: {pages[COURSE]} pages, the chapters have {chapters}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="check the PDFs, print no others")
    args = parser.parse_args()
    if not args.check:
        start = time.perf_counter()
        written = make_handouts()
        print(f"{len(written)} handouts in {OUT} ({time.perf_counter() - start:.0f} s)")
    for path in expected_pdfs():
        if path.exists():
            s = pdf_summary(path)
            print(f"  {path.name}: {s['pages']} pages, {s['images']} images")
    problems = check()
    print("\n".join(problems) or "handouts: all present, with pages and figures, "
          "and nothing that needs a screen")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
