"""The Teaching part's Sphinx extension: computed reading times, and the student edition.

- Reading times: ``tools/reading_time.py`` counts the words of each chapter; this extension
  hands its numbers to the Teaching pages as MyST substitutions, ``{{ words_01 }}`` and
  ``{{ read_01 }}`` (minutes) for chapter 1, and so on, plus ``{{ wpm }}``. The chapters carry
  the minutes as written numbers (``reading_time.py --write``), so that Jupyter shows them;
  the build warns (an error under ``-W``) when one of them differs from the Teaching pages'.
- The student edition (``course_edition = "student"``, set by ``make book EDITION=student``)
  leaves out every solution. sphinx-exercise's own ``hide_solutions`` cannot do this for the
  chapters: their solutions with code cells are gated (``solution-start`` ... ``solution-end``),
  and under ``hide_solutions`` a gated solution's content stays on the page and the build
  fails on the left-over end marker (executablebooks/sphinx-exercise#89). So the solutions
  are built as usual and a transform removes each one once sphinx-exercise has gathered it.
- The student edition's notebooks: it has no launch buttons (Binder and Colab would open the
  repository's notebooks, solutions and all). Each chapter page instead gets a download
  button in its header that offers the chapter's notebook without solutions, which
  ``tools/edition.py`` writes (``student_notebooks``, the site's folder of them); the note
  under each animation, which points to the launch button, points to that download instead.
  Pages say what differs in an ``{only} student`` block (the tag ``student`` is set in the
  student edition).
"""

from __future__ import annotations

import sys
from pathlib import Path

from sphinx.transforms import SphinxTransform
from sphinx.util import logging

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import reading_time  # noqa: E402  (tools/ is not a package)


def _edition_tag(app, config) -> None:
    """The tag ``student`` in the student edition, for pages' ``{only}`` blocks."""
    if config.course_edition == "student":
        app.tags.add("student")


def _reading_substitutions(app, config) -> None:
    subs = dict(config.myst_substitutions or {})
    subs["wpm"] = str(reading_time.WORDS_PER_MINUTE)
    for stem, t in reading_time.reading_times().items():
        number = stem[:2]
        subs[f"words_{number}"] = f"{t['words']:,}"
        subs[f"read_{number}"] = str(t["minutes"])
    config.myst_substitutions = subs
    for problem in reading_time.problems():
        logging.getLogger(__name__).warning(
            "%s (run: %s)", problem, reading_time.WRITE_COMMAND, type="teaching_kit")


# The note actlib.widgets.SWEEP_NOTE puts under each animation, and its student-edition wording.
LAUNCH_HINT = "the rocket button at the top of the page"
DOWNLOAD_HINT = "download its notebook with the download button at the top of the page"


def _student_notebook_button(app, pagename, templatename, context, doctree) -> None:
    """In the student edition, a chapter's header offers its notebook without solutions."""
    folder = app.config.student_notebooks
    if app.config.course_edition != "student" or not folder or not pagename.startswith("chapters/"):
        return
    name = pagename.split("/", 1)[1]
    context["header_buttons"].insert(0, {  # a menu, as the public edition's download button
        "type": "group",
        "tooltip": "Download this chapter's notebook, without the solutions",
        "icon": "fas fa-download",
        "label": "student-download-buttons",
        "buttons": [{
            "type": "link",
            "url": context["pathto"](f"{folder}/{name}.ipynb", 1),
            "text": ".ipynb, no solutions",
            "tooltip": "Download this chapter's notebook, without the solutions",
            "icon": "fas fa-code",
            "label": "student-notebook-button",
        }],
    })
    if "body" in context:
        context["body"] = context["body"].replace(LAUNCH_HINT, DOWNLOAD_HINT)


class DropSolutions(SphinxTransform):
    """In the student edition, remove every solution (gated ones after they are merged)."""

    default_priority = 20  # after sphinx-exercise's MergeGatedSolutions (10)

    def apply(self) -> None:
        if self.config.course_edition != "student":
            return
        from sphinx_exercise.nodes import solution_node

        for node in list(self.document.findall(solution_node)):
            node.parent.remove(node)


def setup(app):
    app.add_config_value("course_edition", "instructor", "env")
    app.add_config_value("student_notebooks", "", "html")
    app.connect("html-page-context", _student_notebook_button, priority=502)  # after the theme's
    app.connect("config-inited", _reading_substitutions)
    app.connect("config-inited", _edition_tag)
    app.add_transform(DropSolutions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
