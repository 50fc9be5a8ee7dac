"""Static checks of a built site: links and anchors, self-containment, alt text, headings, weight.

Each check takes the site's root folder and returns a list of problems as readable strings;
an empty list means the check passed. The browser checks live in test_site.py.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

MAX_PAGE_BYTES = 2_000_000  # a page with its images (course-design.md, budgets)
RESOURCE_TAGS = {"script": "src", "img": "src", "link": "href", "iframe": "src",
                 "source": "src", "video": "src", "audio": "src"}


@dataclass
class Page:
    """What the checks need from one HTML file."""

    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)  # <a href>
    resources: list[tuple[str, str]] = field(default_factory=list)  # (tag, url)
    images_without_alt: list[str] = field(default_factory=list)
    headings: list[int] = field(default_factory=list)  # levels inside the article, in order
    icons: list[str] = field(default_factory=list)  # <link rel="icon"> targets
    redirect: bool = False  # a <meta http-equiv="refresh"> page that sends the reader on


class _Parser(HTMLParser):
    def __init__(self, page: Page):
        super().__init__(convert_charrefs=True)
        self.page = page

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for key in ("id", "name"):
            if a.get(key):
                self.page.ids.add(a[key])
        if tag == "a" and "href" in a:
            self.page.links.append(a["href"])
        if tag in RESOURCE_TAGS and a.get(RESOURCE_TAGS[tag]):
            if not (tag == "link" and not _is_resource_link(a.get("rel", ""))):
                self.page.resources.append((tag, a[RESOURCE_TAGS[tag]]))
        if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            self.page.redirect = True
        if tag == "link" and "icon" in a.get("rel", "").split() and a.get("href"):
            self.page.icons.append(a["href"])
        if tag == "img" and not _describes(a.get("alt", "")):
            self.page.images_without_alt.append(a.get("src", "?")[:80])
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.page.headings.append(int(tag[1]))


def _describes(alt: str) -> bool:
    """Whether alt text describes something: not empty, and not just the image's file name."""
    alt = alt.strip()
    return bool(alt) and not alt.lower().endswith((".png", ".svg", ".jpg", ".jpeg", ".gif"))


def _is_resource_link(rel: str) -> bool:
    """<link> elements that make the browser fetch something (not rel=next, canonical, ...)."""
    return bool(set(rel.split()) & {"stylesheet", "icon", "preload", "modulepreload"})


@cache
def parse(path: Path) -> Page:
    """Parse one HTML file (cached: every check reads the same pages)."""
    page = Page()
    _Parser(page).feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def pages(root: Path) -> list[Path]:
    """Every HTML page of the site, sorted."""
    return sorted(p for p in root.rglob("*.html") if "_static" not in p.parts)


def is_external(url: str) -> bool:
    """Whether a URL points outside the site (another host, or a protocol-relative URL)."""
    parts = urlsplit(url)
    return bool(parts.scheme in ("http", "https") or url.startswith("//"))


def _target(root: Path, page: Path, url: str) -> tuple[Path, str]:
    """The file and fragment a relative URL on ``page`` points to."""
    parts = urlsplit(url)
    if not parts.path:
        return page, unquote(parts.fragment)
    base = posixpath.dirname(page.relative_to(root).as_posix())
    path = posixpath.normpath(posixpath.join(base, unquote(parts.path)))
    target = root / path
    if target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)


def _skip(url: str) -> bool:
    return url.startswith(("mailto:", "javascript:", "data:", "tel:")) or is_external(url)


def broken_links(root: Path) -> list[str]:
    """Internal links whose file or anchor does not exist."""
    problems = []
    for page in pages(root):
        for url in parse(page).links:
            if _skip(url):
                continue
            target, fragment = _target(root, page, url)
            where = f"{page.relative_to(root)}: link {url!r}"
            if not target.exists():
                problems.append(f"{where} -> missing file")
            elif fragment and target.suffix == ".html" and fragment not in parse(target).ids:
                problems.append(f"{where} -> missing anchor #{fragment}")
    return problems


def external_resources(root: Path) -> list[str]:
    """Scripts, styles, images and frames loaded from outside the site."""
    return [f"{page.relative_to(root)}: <{tag}> loads {url}"
            for page in pages(root) for tag, url in parse(page).resources if is_external(url)]


def missing_resources(root: Path) -> list[str]:
    """Scripts, styles and images the site refers to but does not contain."""
    problems = []
    for page in pages(root):
        for tag, url in parse(page).resources:
            if _skip(url):
                continue
            target, _ = _target(root, page, url)
            if not target.exists():
                problems.append(f"{page.relative_to(root)}: <{tag}> {url!r} -> missing file")
    return problems


def pages_without_icon(root: Path) -> list[str]:
    """Pages that declare no icon: a browser then asks the server for /favicon.ico, which a
    site served from a sub-path (GitHub Pages) or a plain folder does not have: a 404 in the
    console of every page. Whether the declared icon exists is :func:`missing_resources`'s job.
    A page that only redirects (Jupyter Book's index.html) is left out: it is never shown.
    """
    return [f"{page.relative_to(root)}: no <link rel=\"icon\">, so the browser asks /favicon.ico"
            for page in pages(root) if not parse(page).icons and not parse(page).redirect]


def images_without_alt(root: Path) -> list[str]:
    """Images with no alternative text (a bare file name does not count)."""
    return [f"{page.relative_to(root)}: <img src={src!r}> has no alt text"
            for page in pages(root) for src in parse(page).images_without_alt]


def heading_jumps(root: Path) -> list[str]:
    """Headings that skip a level going down (an h2 followed by an h4, say)."""
    problems = []
    for page in pages(root):
        levels = parse(page).headings
        for before, after in zip(levels, levels[1:]):
            if after > before + 1:
                problems.append(f"{page.relative_to(root)}: h{before} followed by h{after}")
                break
    return problems


def page_weight(root: Path, page: Path) -> int:
    """Bytes of a page with its own images (inline data included; shared scripts not)."""
    total = page.stat().st_size
    for tag, url in set(parse(page).resources):
        if tag == "img" and not _skip(url):
            target, _ = _target(root, page, url)
            total += target.stat().st_size if target.exists() else 0
    return total


def heavy_pages(root: Path, limit: int = MAX_PAGE_BYTES) -> list[str]:
    """Pages heavier than ``limit`` bytes with their images."""
    return [f"{page.relative_to(root)}: {page_weight(root, page) / 1e6:.2f} MB with its images"
            for page in pages(root) if page_weight(root, page) > limit]


def site_size(root: Path) -> int:
    """Bytes of every file in the site."""
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
