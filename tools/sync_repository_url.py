"""Copy the repository URL from _config.yml into every page's Colab install cell.

    python tools/sync_repository_url.py          # rewrite the sources (myst/*.md) and their notebooks' cells
    python tools/sync_repository_url.py --check  # exit 1 if any page disagrees

_config.yml's ``repository: url:`` is the one place to set the URL: the launch,
repository and issue buttons read it there, and this script carries it into the
install cell that lets a page opened in Colab ``pip install`` hwlib.  The cell
passes ``pip`` its arguments as a list (no shell), and the URL is written as a
Python string literal (``repr``) after checking that it is a plain http(s) URL.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

import yaml

from notebooks import PAGES, ROOT, PageError, refresh_sources, source_path

MARK = 'find_spec("hwlib")'
PREFIX = "git+"
# RFC 3986's unreserved, reserved and percent characters: no space, quote, backslash or shell metacharacter
CONFIG = ROOT / "_config.yml"
URL_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&()*+,;=%]+")


class URLError(ValueError):
    """The configured repository URL cannot go into an install cell."""


def check_url(url: object) -> str:
    """``url`` without a trailing slash if it is an http(s) URL of plain URL characters; :class:`URLError` if not."""
    if not isinstance(url, str) or not url.strip():
        raise URLError(f"repository url must be a non-empty string, got {url!r}")
    url = url.strip().rstrip("/")
    scheme, _, rest = url.partition("://")
    if scheme not in ("http", "https") or not rest or rest.startswith("/"):
        raise URLError(f"repository url must start with https:// or http:// and a host, got {url!r}")
    if not URL_CHARACTERS.fullmatch(url):
        bad = sorted({c for c in url if not URL_CHARACTERS.fullmatch(c)})
        raise URLError(f"repository url may hold only URL characters, got {url!r} "
                       f"(not allowed: {' '.join(map(repr, bad))})")
    return url


def repository_url(config_path: Path | None = None) -> str:
    """The checked repository URL of ``_config.yml`` (or of ``config_path``)."""
    config = yaml.safe_load((config_path or CONFIG).read_text(encoding="utf-8")) or {}
    return check_url((config.get("repository") or {}).get("url"))


def rewrite_install_cell(source: str, url: str) -> str:
    """``source`` (a cell's code) with its ``"git+..."`` string literal replaced by ``repr("git+" + url)``."""
    tree = ast.parse(source)
    found = [node for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
             and node.value.startswith(PREFIX)]
    if len(found) != 1:
        raise URLError(f"an install cell must hold exactly one {PREFIX!r} string, found {len(found)}")
    node = found[0]
    lines = source.splitlines(keepends=True)
    if node.lineno != node.end_lineno:
        raise URLError(f"the {PREFIX!r} string of an install cell must be on one line")
    line = lines[node.lineno - 1]
    start, end = _char_offset(line, node.col_offset), _char_offset(line, node.end_col_offset)
    lines[node.lineno - 1] = line[:start] + repr(PREFIX + url) + line[end:]
    return "".join(lines)


def _char_offset(line: str, byte_offset: int) -> int:
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8"))


def sync_source(path: Path, url: str, check: bool) -> bool:
    """Rewrite the install cell(s) of one MyST source; True if it was (or, with ``check``, would be) changed."""
    text = path.read_text(encoding="utf-8")
    blocks = re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", text, flags=re.DOTALL)
    cells = [block for block in blocks if MARK in block]
    if not cells:
        raise URLError(f"{path.relative_to(ROOT)} has no install cell (code with {MARK})")
    new = text
    for block in cells:
        header, code = _split_options(block)
        new = new.replace(block, header + rewrite_install_cell(code, url), 1)
    if new != text and not check:
        path.write_text(new, encoding="utf-8")
    return new != text


def _split_options(block: str) -> tuple[str, str]:
    """A code-cell's option lines (``:tags: ...`` and the blank line after them) and its code."""
    lines = block.splitlines(keepends=True)
    count = 0
    while count < len(lines) and lines[count].startswith(":"):
        count += 1
    if count and count < len(lines) and not lines[count].strip():
        count += 1
    return "".join(lines[:count]), "".join(lines[count:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report pages that disagree")
    args = parser.parse_args(argv)
    try:
        url = repository_url()
        # every source first (the files people edit), then the notebooks' install cells from them
        stale = [name for name in PAGES if sync_source(source_path(name), url, args.check)]
        if not args.check:
            stale = [name for name in PAGES if refresh_sources(name) or name in stale]
    except (URLError, PageError, SyntaxError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if stale:
        print(("out of date: " if args.check else "updated: ") + ", ".join(stale))
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
