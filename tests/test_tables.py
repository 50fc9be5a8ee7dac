"""Markdown tables for the pages (actlib.tables)."""

import pytest

from actlib.tables import markdown_table


def test_a_table_has_a_header_a_rule_and_one_line_per_row():
    text = markdown_table(["a", "b"], [[1, 2.5], ["x", "y"]], align="lr")
    assert text.splitlines() == ["| a | b |", "| :-- | --: |", "| 1 | 2.5 |", "| x | y |"]


def test_a_caption_makes_a_numbered_myst_table_with_its_name():
    lines = markdown_table(["a"], [[1]], caption="One row.", name="tbl-one").splitlines()
    assert lines[:3] == [":::{table} One row.", ":name: tbl-one", ""]
    assert lines[-1] == ":::"


@pytest.mark.parametrize("kwargs, message", [
    ({"align": "l"}, "one of l, r, c per column"),
    ({"align": "lx"}, "one of l, r, c per column"),
    ({"name": "tbl-x"}, "needs a caption"),
])
def test_bad_options_say_what_is_expected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        markdown_table(["a", "b"], [[1, 2]], **kwargs)


def test_a_row_of_the_wrong_length_is_an_error():
    with pytest.raises(ValueError, match="row 1 has 1 cells, the header 2"):
        markdown_table(["a", "b"], [[1, 2], [3]])
