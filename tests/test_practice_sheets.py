"""``python -m hwlib.practice --sheets ROSTER.csv --out DIR``: one sheet per student, the instructor's key."""

from __future__ import annotations

import csv
import hashlib
import unicodedata

from hwlib import practice
from hwlib.mark import main as mark_main
from hwlib.practice import main, roster_seed


def test_sheets_and_key_for_a_roster_with_and_without_seeds(tmp_path, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text("student,id,seed,email\nAna Li,007,12,a@x\n<b>Bo</b>,008,,b@x\n", encoding="utf-8")
    assert main(["--sheets", str(roster), "--out", str(tmp_path / "out")]) == 0
    out = tmp_path / "out"
    assert sorted(p.name for p in (out / "sheets").iterdir()) == [
        "Ana-Li.html",
        "Ana-Li.md",
        "b-Bo-b.html",
        "b-Bo-b.md",
    ]
    with open(out / "key.csv", newline="", encoding="utf-8") as f:
        key = {r["student"]: r for r in csv.DictReader(f)}
    assert key["Ana Li"]["seed"] == "12" and key["Ana Li"]["id"] == "007"
    expected = practice.answers(1, practice.make_given(1, 12))["standard.macs"]
    assert float(key["Ana Li"]["standard.macs"]) == expected
    assert key["<b>Bo</b>"]["seed"] == str(roster_seed("<b>Bo</b>"))
    sheet = (out / "sheets" / "Ana-Li.md").read_text(encoding="utf-8")
    given = practice.make_given(2, 12)
    assert "## Problem 3" in sheet and f"{given['in_volume'][0]} \\times {given['in_volume'][1]}" in sheet
    html = (out / "sheets" / "b-Bo-b.html").read_text(encoding="utf-8")
    assert "<b>Bo</b>" not in html and "&lt;b&gt;Bo&lt;/b&gt;" in html


def test_the_roster_seed_is_a_documented_hash_of_the_normalised_name():
    name = unicodedata.normalize("NFD", "  José   Diaz ")
    expected = int.from_bytes(hashlib.sha256("José Diaz".encode()).digest()[:4], "big")
    assert roster_seed(name) == expected == roster_seed("José Diaz")


def test_the_key_marks_the_class_it_was_made_for(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student\nAna\nBo\n", encoding="utf-8")
    assert main(["--sheets", str(roster), "--out", str(tmp_path / "s")]) == 0
    # the key itself, as answers: every student marked correct on every value against their own variant
    assert (
        mark_main([str(tmp_path / "s" / "key.csv"), "--out", str(tmp_path / "m"), "--columns", str(_ignore(tmp_path))])
        == 0
    )
    with open(tmp_path / "s" / "key.csv", newline="", encoding="utf-8") as f:
        asked = len(next(csv.reader(f))) - 4  # student, id, section, seed, then the asked quantities
    with open(tmp_path / "m" / "marks.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert asked > 0 and all(r["correct"] == r["answered"] == str(asked) for r in rows)


def _ignore(tmp_path):
    path = tmp_path / "map.toml"
    path.write_text('[columns]\n"id" = "ignore"\n"section" = "ignore"\n', encoding="utf-8")
    return path


def test_a_bad_roster_is_one_line_per_problem(tmp_path, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text("student,seed\nann,x\nann,1\n", encoding="utf-8")
    assert main(["--sheets", str(roster), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and "'x' is not a whole number" in err[0] and "same student as row 2" in err[1]
    assert not (tmp_path / "out").exists()
