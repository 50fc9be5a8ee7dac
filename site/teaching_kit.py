"""The Teaching part's Sphinx extension: computed reading times, and the student edition.

- Reading times: ``tools/reading_time.py`` counts the words of each chapter; this extension
  hands its numbers to the pages as MyST substitutions, ``{{ words_01 }}`` and
  ``{{ read_01 }}`` (minutes) for chapter 1, and so on, plus ``{{ wpm }}``.
- The student edition (``course_edition = "student"``, set by ``make book EDITION=student``)
  leaves out every solution. sphinx-exercise's own ``hide_solutions`` cannot do this for the
  chapters: their solutions with code cells are gated (``solution-start`` ... ``solution-end``),
  and under ``hide_solutions`` a gated solution's content stays on the page and the build
  fails on the left-over end marker (executablebooks/sphinx-exercise#89). So the solutions
  are built as usual and a transform removes each one once sphinx-exercise has gathered it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sphinx.transforms import SphinxTransform

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import reading_time  # noqa: E402  (tools/ is not a package)


def _reading_substitutions(app, config) -> None:
    subs = dict(config.myst_substitutions or {})
    subs["wpm"] = str(reading_time.WORDS_PER_MINUTE)
    for stem, t in reading_time.reading_times().items():
        number = stem[:2]
        subs[f"words_{number}"] = f"{t['words']:,}"
        subs[f"read_{number}"] = str(t["minutes"])
    config.myst_substitutions = subs


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
    app.connect("config-inited", _reading_substitutions)
    app.add_transform(DropSolutions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
