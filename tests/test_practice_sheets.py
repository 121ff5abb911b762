"""``python -m hwlib.practice --sheets ROSTER.csv --out DIR``: one sheet per student, the instructor's key."""

from __future__ import annotations

import csv
import hashlib
import unicodedata

from hwlib import mistakes, practice
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


# seeds whose Problem 3 networks have four shapes: 2-2-2-1 (1), 3-2-1 (5), 2-2-1 (6), 2-3-1 (9)
SHAPED = {"Ana": 1, "Bo": 5, "Cy": 6, "Di": 9}


def _p3_shape(seed):
    return tuple((len(w), len(w[0])) for w in practice.make_given(3, seed)["weights"])


def _key_of(tmp_path, roster_text):
    roster = tmp_path / "roster.csv"
    roster.write_text(roster_text, encoding="utf-8")
    assert main(["--sheets", str(roster), "--out", str(tmp_path / "s")]) == 0
    with open(tmp_path / "s" / "key.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def _mark(tmp_path, header, rows, *options):
    answers = tmp_path / "answers.csv"
    with open(answers, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header, *rows])
    out = tmp_path / "m"
    status = mark_main([str(answers), "--out", str(out), "--columns", str(_ignore(tmp_path)), *options])
    if status:
        return status, None, None
    with open(out / "marks.csv", newline="", encoding="utf-8") as f:
        marks = {r["student"]: r for r in csv.DictReader(f)}
    with open(out / "mistakes.csv", newline="", encoding="utf-8") as f:
        found = list(csv.DictReader(f))
    return status, marks, found


def test_the_key_marks_the_class_it_was_made_for(tmp_path):
    roster = "student,seed\n" + "".join(f"{name},{seed}\n" for name, seed in SHAPED.items()) + "Eve\n"
    header, rows = _key_of(tmp_path, roster)
    assert len({_p3_shape(int(r[3])) for r in rows}) >= 4
    keys = header[4:]
    for row in rows:  # the key's columns are the union: each student's own variant's quantities, the rest blank
        seed = int(row[3])
        own = {q for p in (1, 2, 3) for q in practice.answers(p, practice.make_given(p, seed))}
        assert {q for q, cell in zip(keys, row[4:]) if cell} == own
    assert set(keys) == {q for r in rows for q, cell in zip(keys, r[4:]) if cell}
    status, marks, found = _mark(tmp_path, header, rows)
    assert status == 0 and not found
    for row in rows:  # every student correct on every value of their own variant, out of their own maximum
        asked = sum(1 for cell in row[4:] if cell)
        r = marks[row[0]]
        assert r["correct"] == r["answered"] == r["points"] == r["max_points"] == str(asked)
        assert all((r[q] == "correct") == bool(cell) and (r[q] == "") == (not cell) for q, cell in zip(keys, row[4:]))
    assert len({marks[row[0]]["max_points"] for row in rows}) >= 2


def test_a_wrong_value_of_a_small_network_is_diagnosed_on_its_own_variant(tmp_path):
    header, rows = _key_of(tmp_path, "student,seed\n" + "".join(f"{n},{s}\n" for n, s in SHAPED.items()))
    cy = next(r for r in rows if r[0] == "Cy")  # 2-2-1: no z1; it also writes dL/dz, with the factor 2 dropped
    given = practice.make_given(3, SHAPED["Cy"])
    slip = mistakes.by_name("dropped_factor_2").predict(given)
    assert "z1" not in practice.answers(3, given) and slip["dL/dz"] != float(
        mistakes.truth_of(3, given).values["dL/dz"]
    )
    header = [*header, "dL/dz"]
    rows = [[*r, f"{slip['dL/dz']:g}" if r is cy else ""] for r in rows]
    asked = sum(1 for cell in cy[4:] if cell)
    status, marks, found = _mark(tmp_path, header, rows)
    assert status == 0
    wrong = [(m["student"], m["quantity"], m["mistakes"]) for m in found if m["verdict"] == "wrong"]
    assert wrong == [("Cy", "dL/dz", "dropped_factor_2")]
    assert marks["Cy"]["dL/dz"] == "wrong" and marks["Cy"]["z1"] == "" and marks["Ana"]["z1"] == "correct"
    assert marks["Cy"]["answered"] == str(asked + 1) and marks["Cy"]["correct"] == marks["Cy"]["points"] == str(asked)
    assert marks["Cy"]["max_points"] == str(asked + 1) and marks["Ana"]["dL/dz"] == "blank"


def test_a_value_in_a_column_the_variant_lacks(tmp_path):
    header, rows = _key_of(tmp_path, "student,seed\n" + "".join(f"{n},{s}\n" for n, s in SHAPED.items()))
    keys = header[4:]
    cy = next(r for r in rows if r[0] == "Cy")
    cy[4 + keys.index("z1")] = "4"
    status, _, _ = _mark(tmp_path, header, rows)
    assert status == 2 and not (tmp_path / "m").exists()
    status, marks, _ = _mark(tmp_path, header, rows, "--lenient")
    assert status == 0 and marks["Cy"]["z1"] == "review" and marks["Cy"]["review"] == "1"
    asked = sum(1 for q, cell in zip(keys, cy[4:]) if cell and q != "z1")
    assert marks["Cy"]["answered"] == marks["Cy"]["correct"] == marks["Cy"]["max_points"] == str(asked)
    with open(tmp_path / "m" / "review.csv", newline="", encoding="utf-8") as f:
        assert [(r["student"], r["quantity"], r["text"]) for r in csv.DictReader(f)] == [("Cy", "z1", "4")]


def test_a_column_of_no_variant_in_the_class_is_refused(tmp_path, capsys):
    header, rows = _key_of(tmp_path, "student,seed\nCy,6\n")  # 2-2-1 only: y3 is a quantity of no variant
    status, _, _ = _mark(tmp_path, [*header, "y3"], [[*r, ""] for r in rows])
    err = capsys.readouterr().err
    assert status == 2 and "column 'y3': a quantity of no student's variant in this class" in err
    status, _, _ = _mark(tmp_path, [*header, "z1"], [[*r, ""] for r in rows])  # the homework's: allowed, blank
    assert status == 0


def test_the_template_of_a_roster_is_the_union_of_its_variants(tmp_path, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text("student,seed\nCy,6\nDi,9\n", encoding="utf-8")
    assert mark_main(["--template", "--roster", str(roster)]) == 0
    header = capsys.readouterr().out.strip().split(",")
    assert mark_main(["--template", "--seed", "6", "--seed", "9"]) == 0
    assert capsys.readouterr().out.strip().split(",") == header
    assert header[:2] == ["student", "seed"] and "z1" not in header and "y3" in header and "dL/dw1_13" in header
    from hwlib.class_marking import quantities

    own = set()
    for seed in (6, 9):
        own |= set(quantities({p: practice.make_given(p, seed) for p in (1, 2, 3)}))
    assert set(header[2:]) == own and len(header) == len(set(header))


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
