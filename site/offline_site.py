"""A small Sphinx extension that keeps the built pages working offline and free of errors.

- Widgets: the Jupyter widget manager (served from _static/html-manager) finds its icon fonts
  next to its own module, whose address require.js derives from the module's name; a
  ``paths`` entry points that name at _static/html-manager, wherever the page sits.
- Widgets with MathJax 3: the widget manager typesets labels with the MathJax 2 call
  ``MathJax.Hub.Queue``, which MathJax 3 lacks; a two-line shim forwards it to MathJax 3.
- A first visit: the theme logs "Got invalid theme mode" as an error until a light or dark mode
  has been stored; we start it on "auto", which follows the reader's system setting.
- Explorers: an ipywidgets explorer needs a running kernel to redraw; on a static page its
  sliders would move and change nothing. The stylesheet hides every explorer (the class
  ``actlib.widgets.EXPLORER_CLASS``); the animation next to it says where the live one is.
- Print: what needs a screen is left out of a printed page (the browser's print, and the
  handouts): the contents block the theme prints at the top of each page, the explorers,
  animations and their notes, and every block of class ``screen-only`` (a chapter's sentence
  about an animation sits in ``:::{container} screen-only``).
- Duplicate scripts: sphinx-thebe registers its inline configuration twice under Jupyter Book,
  which the browser reports as "Identifier 'THEBE_JS_URL' has already been declared".
"""

from __future__ import annotations

SETUP_JS = """
var require = {paths: {  // read by require.js when it loads: where the widget manager lives
  "@jupyter-widgets/html-manager/dist": new URL(
    document.documentElement.dataset.content_root + "_static/html-manager", document.baseURI).href,
}};
document.documentElement.dataset.mode ||= "auto";  // a first visit has no stored mode yet
document.addEventListener("DOMContentLoaded", () => {  // after the deferred MathJax script ran
  if (window.MathJax && !window.MathJax.Hub) {
    window.MathJax.Hub = {Queue: (job) => window.MathJax.typesetPromise?.([job[2]])};
  }
});
"""


STATIC_CSS = """
.actlib-explorer { display: none !important; }  /* actlib.widgets.EXPLORER_CLASS */
.actlib-sweep-note { font-size: 0.9em; color: var(--pst-color-text-muted); }
.logo__image { max-height: 4.5rem; width: auto; }  /* the square logo, kept small */
@media print {
  #jb-print-toc, .screen-only, .animation, .actlib-sweep-note { display: none !important; }
}
"""


def _add_css(app, pagename, templatename, context, doctree) -> None:
    context["metatags"] = context.get("metatags", "") + f"\n<style>{STATIC_CSS}</style>"


def _without_duplicates(app, pagename, templatename, context, doctree) -> None:
    seen, unique = set(), []
    for script in context.get("script_files", []):
        # the same script, whatever its priority, and an inline one registered as None or ""
        key = (getattr(script, "filename", script) or "",
               tuple(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    app.add_js_file(None, body=SETUP_JS, priority=200)  # before the widget manager (500)
    app.connect("html-page-context", _without_duplicates, priority=999)  # after the others
    app.connect("html-page-context", _add_css)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
