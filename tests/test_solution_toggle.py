"""A practice variant's ``### Worked solution`` goes behind a toggle in HTML (_ext/hwlib_book/solution_toggle.py).

The notebook holds the solution as plain Markdown, so every viewer shows it; in the book the text under the
heading, up to the next heading of its level or above, is put in the ``<details>``/``<template>`` that the
practice script opens.  Inside a cell's output MyST makes headings rubrics, with their level.
"""

from __future__ import annotations

from docutils import nodes

from hwlib_book.solution_toggle import SolutionToggle, wrap_solution


def heading(text: str, level: int) -> nodes.rubric:
    return nodes.rubric(text, text, level=level)


def paragraph(text: str) -> nodes.paragraph:
    return nodes.paragraph(text, text)


def output() -> nodes.container:
    """Two variants as a practice page's cell output holds them."""
    return nodes.container(
        "", heading("Variant 1 (seed 0)", 2), paragraph("Statement 1."), nodes.raw("", "<form></form>", format="html"),
        heading("Worked solution", 3), paragraph("Forward 1."), nodes.math_block("y = 1", "y = 1"),
        paragraph("Backward 1."),
        heading("Variant 2 (seed 1)", 2), paragraph("Statement 2."),
        heading("Worked solution", 3), paragraph("Forward 2."), classes=["cell_output"])


def shape(container: nodes.Element) -> list[str]:
    return [child.astext() if not isinstance(child, nodes.raw) else f"raw:{child.astext()}" for child in container]


def test_the_text_under_each_solution_heading_goes_into_a_template_up_to_the_next_variant():
    container = output()
    for rubric in [r for r in container.findall(nodes.rubric) if r.astext() == "Worked solution"]:
        wrap_solution(rubric)
    opening = ('raw:<details class="practice-solution">\n<summary>Worked solution</summary>\n'
               '<template class="practice-solution-body">')
    closing = "raw:</template>\n</details>"
    assert shape(container) == [
        "Variant 1 (seed 0)", "Statement 1.", "raw:<form></form>",
        opening, "Forward 1.", "y = 1", "Backward 1.", closing,
        "Variant 2 (seed 1)", "Statement 2.",
        opening, "Forward 2.", closing,
    ]


def test_a_deeper_heading_stays_inside_and_the_summary_is_escaped():
    container = nodes.container("", heading("Worked solution", 3), paragraph("a"), heading("Part (b)", 4),
                                paragraph("b"), heading("Next", 3), paragraph("c"))
    wrap_solution(container[0])
    assert shape(container)[2:4] == ["Part (b)", "b"] and shape(container)[-2:] == ["Next", "c"]
    escaped = nodes.container("", heading("<b>&", 3), paragraph("x"))
    wrap_solution(escaped[0])
    assert "<summary>&lt;b&gt;&amp;</summary>" in escaped[0].astext()


def test_only_html_gets_the_toggle_and_only_a_heading_so_titled():
    assert SolutionToggle.formats == ("html",)
    container = nodes.container("", heading("Worked solutions in general", 3), paragraph("x"))
    document = nodes.document(None, None)
    document += container
    toggle = SolutionToggle.__new__(SolutionToggle)
    toggle.document = document
    toggle.run()
    assert not list(document.findall(nodes.raw))
