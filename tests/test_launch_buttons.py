"""The JupyterHub button appears only for a real hub (_ext/hwlib_book/assets.py)."""

from __future__ import annotations

import types
from pathlib import Path

import pytest

from hwlib_book import assets


@pytest.mark.parametrize(("url", "placeholder"), [
    ("", True),
    ("https://jupyterhub.example.edu", True),
    ("https://example.com/hub", True),
    ("https://hub.course.invalid/", True),
    ("https://hub.uni-heidelberg.de", False),
    ("https://jupyter.exampleuniversity.edu", False),
])
def test_placeholder_hubs_are_told_from_real_ones(url, placeholder):
    assert assets.is_placeholder_url(url) is placeholder


@pytest.mark.parametrize(("url", "kept"), [("https://jupyterhub.example.edu", ""), ("https://hub.uni.edu", "https://hub.uni.edu")])
def test_a_placeholder_hub_gives_no_button(url, kept):
    config = types.SimpleNamespace(html_theme_options={"launch_buttons": {"jupyterhub_url": url, "colab_url": "https://colab.research.google.com"}})
    assets.no_placeholder_hub(None, config)
    assert config.html_theme_options["launch_buttons"]["jupyterhub_url"] == kept


def test_the_configured_hub_is_not_a_placeholder_button():
    config = (Path(__file__).resolve().parent.parent / "_config.yml").read_text(encoding="utf-8")
    line = next(l for l in config.splitlines() if l.strip().startswith("jupyterhub_url:"))
    url = line.split(":", 1)[1].split("#")[0].strip().strip('"')
    assert url == "" or not assets.is_placeholder_url(url)
