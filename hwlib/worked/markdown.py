"""Markdown building blocks of the worked solutions: tables, the answer box, lists of pairs.

Every piece reads the same in every notebook viewer: plain Markdown, no HTML and
no MyST role or directive, so that JupyterLab, Colab, VS Code and GitHub typeset
the mathematics inside it.  The answer box is a blockquote whose first paragraph
is exactly ``**Answer**``; the HTML book's build styles such a blockquote as a
"tip" admonition.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from hwlib import fmt
from hwlib.words import join_words  # noqa: F401  (the worked solutions' word lists)

__all__ = ["table", "answer_box", "pair", "pairs", "join_words", "dims", "dims_latex"]


def table(header: Sequence[str], rows: Iterable[Sequence[object]], align: str | None = None) -> str:
    """A Markdown table; ``align`` holds one letter per column, 'l' or 'r' (default: all left)."""
    header = list(header)
    align = align or "l" * len(header)
    if len(align) != len(header):
        raise ValueError(f"align must have one letter per column ({len(header)}), got {align!r}")
    rule = "|" + "|".join("--:" if a == "r" else "---" for a in align) + "|"
    lines = ["| " + " | ".join(header) + " |", rule]
    for row in rows:
        row = [str(cell) for cell in row]
        if len(row) != len(header):
            raise ValueError(f"every row must have {len(header)} cells, got {len(row)}: {row!r}")
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    return "\n".join(lines)


def answer_box(body: str, title: str = "Answer") -> str:
    """``body`` (Markdown) as a blockquote whose first paragraph is ``**title**``:

        > **Answer**
        >
        > body, every line quoted

    Plain Markdown that every viewer typesets; the HTML book's build styles it as a tip admonition."""
    lines = [f"**{title}**", ""] + body.strip().splitlines()
    return "\n".join(f"> {line}".rstrip() for line in lines)


def pair(padding: int, stride: int) -> str:
    """A (padding, stride) pair, labelled: 'padding 1, stride 2'."""
    return f"padding {fmt.number(padding)}, stride {fmt.number(stride)}"




def pairs(solutions: Sequence[tuple[int, int]]) -> str:
    """Several (padding, stride) pairs, labelled and joined: '(padding 0, stride 3) and (padding 1, stride 3)'."""
    return join_words([f"({pair(p, s)})" for p, s in solutions])


def dims(shape: Sequence[int]) -> str:
    """A shape in prose: '30 × 30 × 20'."""
    return " × ".join(fmt.number(v) for v in shape)


def dims_latex(shape: Sequence[int]) -> str:
    """A shape inside $...$: '30 \\times 30 \\times 20'."""
    return r" \times ".join(fmt.latex(v) for v in shape)
