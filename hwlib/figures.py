"""Figures as the book shows them: one style, and an alt text made from the same numbers.

A chapter draws a figure with a plot function of ``hwlib.plot_*``, writes its
alt text from the same values (``describe_*`` beside each plot function), and
shows both with :func:`show_figure`::

    fig = plot_padded_grid(n, k, s, p)
    show_figure(fig, describe_padded_grid(n, k, s, p))

What :func:`show_figure` displays is an ordinary PNG output, so JupyterLab,
Colab, VS Code and GitHub show it as usual; its ``text/plain`` part is the alt
text (what nbval compares, and what a text-only viewer prints), and the output
metadata carries ``{"image/png": {"alt": ...}}``.  MyST-NB 1.x reads only the
width and height from output metadata, so :class:`MystNbAltText` (registered as
a ``myst_nb.mime_renderers`` entry point in ``pyproject.toml``) puts that alt
text on the HTML ``<img>``, with the class ``hwlib-figure``.

:data:`BOOK_STYLE` draws on a transparent background with fonts large enough to
read at phone width; the book's CSS turns such a figure's dark ink light in the
theme's dark mode.
"""

from __future__ import annotations

import base64
import functools
import io
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ClassVar

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

__all__ = ["BOOK_STYLE", "FIGURE_CLASS", "book_style", "book_styled", "show_figure", "check_alt_text", "MystNbAltText"]

FIGURE_CLASS = "hwlib-figure"
BOOK_STYLE: dict[str, Any] = {
    # transparent, so the page's own background (light or dark) shows through
    "figure.facecolor": "none",
    "axes.facecolor": "none",
    "savefig.facecolor": "none",
    "savefig.transparent": True,
    # large type: a figure 7 inches wide shown at a phone's 342 px keeps 9 px letters
    "font.size": 14,
    "axes.titlesize": 15,
    "axes.labelsize": 14,
    "xtick.labelsize": 13,
    "ytick.labelsize": 13,
    "legend.fontsize": 13,
    "figure.titlesize": 16,
    "savefig.bbox": "tight",
    "savefig.dpi": 110,
}
# A file name (what an image gets when no one writes an alt text) is not an alt text.
_FILE_NAME = re.compile(r"^\S+\.(png|jpe?g|svg|gif|webp)$", re.IGNORECASE)


@contextmanager
def book_style() -> Iterator[None]:
    """Draw inside ``with book_style():`` to use :data:`BOOK_STYLE` (matplotlib's ``rc_context``)."""
    with mpl.rc_context(BOOK_STYLE):
        yield


def book_styled(plot: Callable[..., Figure]) -> Callable[..., Figure]:
    """Decorator: the plot function draws with :data:`BOOK_STYLE` (sizes and colours are fixed when drawn)."""

    @functools.wraps(plot)
    def styled(*args, **kwargs) -> Figure:
        with book_style():
            return plot(*args, **kwargs)

    return styled


def check_alt_text(alt: object) -> str:
    """Return ``alt`` stripped; raise if it is not a real description (empty, a file name, one word)."""
    if not isinstance(alt, str):
        raise TypeError(f"alt must be a str, got {type(alt).__name__}")
    text = " ".join(alt.split())
    if not text:
        raise ValueError("alt must describe the figure, got an empty text")
    if _FILE_NAME.match(text):
        raise ValueError(f"alt must describe the figure, not name a file, got {text!r}")
    if len(text.split()) < 3:
        raise ValueError(f"alt must describe the figure in words (3 or more), got {text!r}")
    return text


def figure_png(fig: Figure) -> bytes:
    """The figure as PNG bytes, drawn with :data:`BOOK_STYLE`'s transparent background and resolution."""
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    buffer = io.BytesIO()
    with book_style():
        fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def show_figure(fig: Figure, alt: str, caption: str | None = None) -> None:
    """Display ``fig`` as a PNG whose alt text is ``alt``, then ``caption`` (Markdown) if given; close ``fig``.

    ``alt`` says what the figure shows, with its numbers, for a reader who
    cannot see it: write it from the same values the figure was drawn from.
    Put a caption that holds for any Given in the cell's ``mystnb: figure``
    metadata (numbered, citable); pass ``caption`` only for a caption with
    numbers, in a cell without that metadata.
    """
    from IPython.display import Markdown, display

    text = check_alt_text(alt)
    png = figure_png(fig)
    plt.close(fig)
    display(
        {"image/png": base64.b64encode(png).decode("ascii"), "text/plain": text},
        raw=True,
        metadata={"image/png": {"alt": text}},
    )
    if caption is not None:
        display(Markdown(caption))


class MystNbAltText:
    """MyST-NB mime renderer plugin: an image output's ``alt`` (output metadata) onto its HTML ``<img>``.

    Registered in ``pyproject.toml`` under ``[project.entry-points."myst_nb.mime_renderers"]``.
    Images without that metadata are left to MyST-NB's own renderer.
    """

    mime_priority_overrides: ClassVar[tuple] = ()

    @staticmethod
    def handle_mime(renderer, data, inline: bool):
        metadata = data.output_metadata
        options: Mapping = metadata.get(data.mime_type, {}) if isinstance(metadata, Mapping) else {}
        if inline or not data.mime_type.startswith("image/") or "alt" not in options:
            return None
        nodes = renderer.render_image(data)
        for node in nodes:
            node["alt"] = str(options["alt"])
            # dark-light: the theme leaves it to our CSS
            node["classes"] = [*node.get("classes", []), FIGURE_CLASS, "dark-light"]
        return nodes
