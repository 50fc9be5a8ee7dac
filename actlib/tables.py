"""Markdown tables for the pages: rows of values in, a table myst-nb renders out.

A chapter shows the result with ``IPython.display.Markdown(markdown_table(...))`` in a cell
whose output format is MyST (``mystnb: markdown_format: myst``) when the table has a caption.

>>> print(markdown_table(["activation", "accuracy"], [["`relu`", "97.0%"]], align="lr"))
| activation | accuracy |
| :-- | --: |
| `relu` | 97.0% |
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = ["markdown_table"]

_RULES = {"l": ":--", "r": "--:", "c": ":-:"}


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[object]], *,
                   align: str | None = None, caption: str | None = None,
                   name: str | None = None) -> str:
    """A Markdown table: ``header``, then one line per row, each cell written with ``str``.

    Args:
        header: the column titles.
        rows: the cells, one sequence per row, as many as there are columns.
        align: one letter per column, ``l``, ``r`` or ``c`` (default: all left).
        caption: if given, the table is a numbered MyST ``table`` with this caption.
        name: the label to refer to the table by (``{numref}``); needs a caption.
    """
    align = align or "l" * len(header)
    if len(align) != len(header) or set(align) - set(_RULES):
        raise ValueError(f"align needs one of l, r, c per column ({len(header)}), got {align!r}")
    if name and not caption:
        raise ValueError("a table with a name needs a caption")
    lines = [_line(header), _line(_RULES[a] for a in align)]
    for i, row in enumerate(rows):
        row = list(row)
        if len(row) != len(header):
            raise ValueError(f"row {i} has {len(row)} cells, the header {len(header)}")
        lines.append(_line(row))
    if caption:
        lines = [f":::{{table}} {caption}", *([f":name: {name}"] if name else []), "", *lines,
                 ":::"]
    return "\n".join(lines)


def _line(cells: Iterable[object]) -> str:
    return "| " + " | ".join(map(str, cells)) + " |"
