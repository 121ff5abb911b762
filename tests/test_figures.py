"""Tests of hwlib.figures: alt texts that describe, plain-text labels, and the MyST-NB plugin."""

from __future__ import annotations

import base64
import types

import matplotlib

matplotlib.use("Agg")  # tests only: no window; the notebooks keep the inline backend

import matplotlib.pyplot as plt
import pytest

from hwlib import figures, naming


@pytest.mark.parametrize("alt", ["", "   ", "../_images/fe664c8c.png", "figure.png", "a plot", None, 3])
def test_alt_text_must_describe_the_figure(alt):
    with pytest.raises((ValueError, TypeError), match="alt must"):
        figures.check_alt_text(alt)


def test_alt_text_is_kept_with_its_words_and_spaces_normalised():
    assert figures.check_alt_text("  Network x → y:\n x₁ = 1 ") == "Network x → y: x₁ = 1"


@pytest.mark.parametrize(("label", "plain"), [
    ("$w^{1}_{11} = 2$", "w¹₁₁ = 2"),
    ("$x_{1}$\n-1", "x₁, −1"),
    (r"$\partial L/\partial w^{3}_{21} = -6$", "∂L/∂w³₂₁ = −6"),
    (r"$C_\mathrm{out}$", "C_out"),
    ("loss 9", "loss 9"),
])
def test_plain_label_writes_mathtext_as_unicode(label, plain):
    assert naming.plain_label(label) == plain


def test_show_figure_displays_a_png_whose_text_and_metadata_are_the_alt(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *args, **kwargs: shown.append((args, kwargs)))
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    figures.show_figure(fig, "A straight line from (0, 0) to (1, 1).")
    ((bundle,), kwargs), = shown
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert bundle["text/plain"] == "A straight line from (0, 0) to (1, 1)."
    assert kwargs["metadata"] == {"image/png": {"alt": "A straight line from (0, 0) to (1, 1)."}}
    assert not plt.fignum_exists(fig.number)  # closed: the inline backend does not show it twice


def test_show_figure_rejects_a_file_name_as_alt_before_drawing():
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="not name a file"):
        figures.show_figure(fig, "fe664c8c.png")
    plt.close(fig)


def test_png_is_transparent_in_the_book_style():
    fig, ax = plt.subplots()
    ax.plot([0, 1])
    png = figures.figure_png(fig)
    plt.close(fig)
    image = plt.imread(__import__("io").BytesIO(png))
    assert image.shape[2] == 4 and image[0, 0, 3] == 0  # a corner pixel is fully transparent


def test_myst_nb_plugin_puts_the_alt_on_the_image_node_only_when_given():
    made = []

    class Renderer:
        def render_image(self, data):
            node = {"uri": "x.png", "classes": []}
            made.append(node)
            return [node]

    data = types.SimpleNamespace(mime_type="image/png", output_metadata={"image/png": {"alt": "Four corner windows."}})
    (node,) = figures.MystNbAltText.handle_mime(Renderer(), data, False)
    assert node["alt"] == "Four corner windows." and figures.FIGURE_CLASS in node["classes"]
    plain = types.SimpleNamespace(mime_type="image/png", output_metadata={})
    assert figures.MystNbAltText.handle_mime(Renderer(), plain, False) is None  # left to MyST-NB
    assert figures.MystNbAltText.handle_mime(Renderer(), data, True) is None  # inline: left to MyST-NB


def test_the_plugin_is_registered_for_myst_nb():
    from importlib.metadata import entry_points

    names = {ep.value for ep in entry_points(group="myst_nb.mime_renderers")}
    assert "hwlib.figures:MystNbAltText" in names
