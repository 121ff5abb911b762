"""Tests of hwlib.transcription: the data file loads, and every schema violation names its entry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hwlib.transcription import TranscriptionError, load_given, load_transcription

ROOT = Path(__file__).resolve().parent.parent
GOOD = '''
[given.p1]
kernel = 3

[[entry]]
id = "p1.x"
problem = 1
part = "a part"
quantity = "standard.weights"
label = "W"
written = 7200
working = "3 × 3 × 20 × 40"
formula = "k * k * c"
inputs = { k = { value = 3, means = "k" }, c = { ref = "C" } }
'''


def write(tmp_path, text):
    path = tmp_path / "data.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_transcription_loads():
    entries = load_transcription()
    assert len(entries) == 40
    assert {e.problem for e in entries} == {1, 2, 3}
    assert len({e.id for e in entries}) == len(entries)
    assert [e.id for e in load_transcription(problem=2)] == [e.id for e in entries if e.problem == 2]
    assert load_given(3)["x"] == [1, -1]


def test_a_good_entry_is_parsed(tmp_path):
    (entry,) = load_transcription(write(tmp_path, GOOD))
    assert entry.written == 7200.0
    assert [(i.name, i.ref, i.value, i.means) for i in entry.inputs] == [("k", None, 3.0, "k"), ("c", "C", None, None)]
    assert str(entry.expression) == "c*k**2"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('written = 7200', 'written = "7200"'), r"entry 1 \('p1.x'\): field 'written' must be a number"),
        (('problem = 1', 'problem = 4'), r"'p1.x'.*'problem' must be 1, 2 or 3"),
        (('label = "W"\n', ''), r"'p1.x'.*field 'label' is missing"),
        (('label = "W"', 'label = "W"\ncolour = "red"'), r"'p1.x'.*unknown field"),
        (('formula = "k * k * c"\n', ''), r"'p1.x'.*'formula' and 'inputs' go together"),
        (('formula = "k * k * c"', 'formula = "k * k * d"'), r"'p1.x'.*formula uses \['d'\]"),
        (('formula = "k * k * c"', 'formula = "k * / c"'), r"'p1.x'.*cannot be parsed"),
        (('c = { ref = "C" }', 'c = { ref = 3 }'), r"'p1.x'.*input 'c' must be"),
        (('written = 7200', 'written = nan'), r"'p1.x'.*'written' must be finite"),
        (('written = 7200', 'written = true'), r"'p1.x'.*'written' must be a number"),
    ],
)
def test_schema_violations_name_the_entry(tmp_path, change, message):
    old, new = change
    assert old in GOOD
    with pytest.raises(TranscriptionError, match=message):
        load_transcription(write(tmp_path, GOOD.replace(old, new)))


def test_duplicates_and_empty_files_are_rejected(tmp_path):
    doubled = GOOD + GOOD.split("[[entry]]")[1].join(["[[entry]]", ""])
    with pytest.raises(TranscriptionError, match="'p1.x': the id is used twice"):
        load_transcription(write(tmp_path, doubled))
    with pytest.raises(TranscriptionError, match="at least one"):
        load_transcription(write(tmp_path, "[given.p1]\nk = 1\n"))
    with pytest.raises(TranscriptionError, match="not valid TOML"):
        load_transcription(write(tmp_path, "[[entry]\n"))
    with pytest.raises(TranscriptionError, match=r"\[given.p2\] is missing"):
        load_given(2, write(tmp_path, GOOD))


@pytest.mark.parametrize("problem", [1, 2, 3])
def test_every_transcribed_entry_is_in_its_chapters_comparison_table(problem):
    """Each entry's label and written value appear as a row of the comparison table the chapters show
    (``hwlib.marker.comparison_markdown``), in the book's notation and number format."""
    from hwlib import fmt, mistakes
    from hwlib.marker import comparison_markdown

    text = comparison_markdown(problem)
    table = text[text.index("| quantity | written | answer | verdict | why |"):]
    rows = table.splitlines()[2:]
    entries = load_transcription(problem=problem)
    labels = mistakes.truth_of(problem, load_given(problem)).labels
    assert len(rows) == len(entries)
    for entry, row in zip(entries, rows):
        label_cell = f"${labels[entry.quantity]}$ | {fmt.number(entry.written)} |"
        assert row.startswith(f"| {label_cell}") or row.startswith(f"| {entry.part.split()[0]} {label_cell}"), \
            (entry.id, row)
        assert re.search(r"\| (✓ correct|✗ wrong|↪ carried|✓ value, ✗ working) \|", row)


@pytest.mark.parametrize("problem", [1, 2, 3])
def test_comparison_rows_name_distinct_quantities(problem):
    """No two rows of a comparison table show the same quantity cell: Problem 2's p, s and filters
    of parts (a), (b), (c) are told apart by their part ("(b) $p$")."""
    from hwlib.marker import comparison_markdown

    text = comparison_markdown(problem)
    table = text[text.index("| quantity | written | answer | verdict | why |"):]
    cells = [row.split(" | ")[0] for row in table.splitlines()[2:]]
    assert len(cells) == len(set(cells)), cells
    if problem == 2:
        assert "| (b) $p$ | 1 | 1 |" in table


# ---------------------------------------------------------------- formulas are data, never code

import sympy as sp  # noqa: E402

from hwlib.transcription import (  # noqa: E402
    MAX_FORMULA_CHARS,
    MAX_FORMULA_NODES,
    parse_formula,
)


def formula_file(tmp_path, formula: str):
    """GOOD with its formula replaced (written as a TOML literal string, so quotes survive)."""
    assert "'''" not in formula
    return write(tmp_path, GOOD.replace('formula = "k * k * c"', f"formula = '''{formula}'''"))


def test_an_injected_formula_is_refused_and_never_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    attack = "__import__('pathlib').Path('x.txt').write_text('x') * 0 + k * k * c"
    path = formula_file(tmp_path, attack)
    with pytest.raises(TranscriptionError) as caught:
        load_transcription(path)
    message = str(caught.value)
    assert str(path) in message and "'p1.x'" in message and "field 'formula'" in message
    assert "function calls are not allowed" in message and "__import__" in message
    assert not (tmp_path / "x.txt").exists()


@pytest.mark.parametrize(
    ("formula", "token", "reason"),
    [
        ("k**(10**10**10)", "10**10**10", "exponent must be an integer"),  # would never return
        ("k * * c", "*", "cannot be parsed"),  # sympy read this as k**c
        ("E * k", "E", r"formula uses \['E'\]"),  # sympy read this as Euler's number
        ("pi * k", "pi", r"formula uses \['pi'\]"),
        ("k ^ 2", "^", "only"),
        ("2k", "2k", "cannot be parsed"),
        ("k(c)", "k", "function calls"),
        ("k.real", "k.real", "attributes"),
        ("True * k", "True", "only numbers"),
        ("'7' * k", "'7'", "only numbers"),
        ("k ** 0.5", "0.5", "exponent must be an integer"),
        ("k ** 11", "11", "exponent must be an integer"),
        ("k ** c", "c", "exponent must be an integer"),
        ("k // c", "//", "only"),
        ("+k", "unary +", "only unary minus"),
        ("1e999 * k", "1e999", "numbers must be finite"),
        ("10000000000000000 * k", "10000000000000000", "numbers must be finite and at most"),
        ("k / 0", "k / 0", "division by zero"),
        ("((k**10)**10)**10", "k**1000", "powers above"),
        ("(10**10)**10", "(10**10)**10", "the numbers grow"),
        ("((1 / 10**10)**10)**10 * k", "(1 / 10**10)**10", "the numbers grow"),
        ("k < c", "k < c", "Compare is not allowed"),
        ("lambda: k", "lambda: k", "Lambda is not allowed"),
        ("[k][0]", "[k][0]", "Subscript is not allowed"),
        ("k + " * 60 + "k", "k + k + k + k + k + ...", "at most 200 syntax-tree nodes"),
        ("k" + " " * MAX_FORMULA_CHARS, "k" + " " * 19 + "...", f"at most {MAX_FORMULA_CHARS} characters"),
    ],
)
def test_formulas_outside_the_grammar_are_refused_naming_the_token(tmp_path, formula, token, reason):
    with pytest.raises(TranscriptionError, match=reason) as caught:
        load_transcription(formula_file(tmp_path, formula))
    message = str(caught.value)
    assert "entry 1 ('p1.x')" in message and "field 'formula'" in message
    assert f"(at {token!r})" in message, message


def test_the_node_limit_counts_the_syntax_tree():
    small = " + ".join(["k"] * 20)
    assert parse_formula(small, ["k"]) == 20 * sp.Symbol("k")
    big = " + ".join(["k"] * (MAX_FORMULA_NODES // 2))  # under the character limit, over the node limit
    assert len(big) <= MAX_FORMULA_CHARS
    with pytest.raises(ValueError, match="syntax-tree nodes"):
        parse_formula(big, ["k"])


@pytest.mark.parametrize(
    "formula",
    ["k * k * c", "-k + c", "(k + c) / 2", "k ** -2 * c", "k**2 - 2.5 * c", "2 * (k - c)", "(k - c)**2",
     "-(k * c) / (c - 1)", "1_000 * k"],
)
def test_accepted_formulas_give_what_sympy_gives(formula):
    """Oracle: sympy's own parser (which evaluates; safe here on these fixed strings) builds the same expression."""
    k, c = sp.symbols("k c")
    assert sp.simplify(parse_formula(formula, ["k", "c"]) - sp.parse_expr(formula, local_dict={"k": k, "c": c})) == 0


def test_declared_names_are_plain_symbols_even_when_sympy_knows_them():
    """An input named E or I is that input, not Euler's number or the imaginary unit."""
    assert parse_formula("E * I", ["E", "I"]) == sp.Symbol("E") * sp.Symbol("I")


def test_every_shipped_formula_parses_as_sympy_parses_it():
    for entry in load_transcription():
        if entry.formula is not None:
            names = {i.name: sp.Symbol(i.name) for i in entry.inputs}
            assert entry.expression == sp.parse_expr(entry.formula, local_dict=names), entry.id


# ---------------------------------------------------------------- errors name the file, the entry and the field


def test_a_file_that_is_not_utf8_is_named(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(GOOD.replace("a part", "a pärt").encode("latin-1"))
    with pytest.raises(TranscriptionError, match=r"latin1.toml: not UTF-8 text: byte 0xe4 at line \d+"):
        load_transcription(path)
    with pytest.raises(TranscriptionError, match="latin1.toml: not UTF-8"):
        load_given(1, path)


def test_a_utf8_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    (entry,) = load_transcription(path)
    assert entry.id == "p1.x" and load_given(1, path) == {"kernel": 3}


@pytest.mark.parametrize(
    ("field", "old", "new"),
    [
        ("label", 'label = "W"', 'label = "W | x"'),
        ("label", 'label = "W"', 'label = "W\\nx"'),
        ("label", 'label = "W"', 'label = "W\\rx"'),
        ("working", 'working = "3 × 3 × 20 × 40"', 'working = "3 | 3"'),
        ("part", 'part = "a part"', 'part = "a\\tpart"'),
        ("label", 'label = "W"', 'label = "  "'),
    ],
)
def test_table_breaking_text_is_refused(tmp_path, field, old, new):
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(TranscriptionError, match=rf"data.toml: entry 1 \('p1.x'\): field '{field}' must"):
        load_transcription(path)


@pytest.mark.parametrize("bad", ["nan", "inf", "-inf"])
def test_nan_and_infinity_in_values_are_refused(tmp_path, bad):
    path = write(tmp_path, GOOD.replace("k = { value = 3", f"k = {{ value = {bad}"))
    with pytest.raises(TranscriptionError,
                       match=r"data.toml: entry 1 \('p1.x'\): input 'k': field 'value' must be finite"):
        load_transcription(path)
    path = write(tmp_path, GOOD.replace("kernel = 3", f"kernel = 3\nweights = [[1.0, {bad}]]"))
    with pytest.raises(TranscriptionError, match=r"data.toml: \[given.p1\].weights\[0\]\[1\] must be finite"):
        load_given(1, path)


def test_schema_errors_name_the_file(tmp_path):
    path = write(tmp_path, GOOD.replace('written = 7200', 'written = "7200"'))
    with pytest.raises(TranscriptionError, match=rf"^{re.escape(str(path))}: entry 1 \('p1.x'\): field 'written'"):
        load_transcription(path)


@pytest.mark.parametrize(("problem", "error"), [
    (4, ValueError), (0, ValueError), (-1, ValueError), (True, TypeError), ("1", TypeError), (1.0, TypeError),
])
def test_an_out_of_range_problem_is_an_error_not_an_empty_list(problem, error):
    with pytest.raises(error, match=rf"problem must be 1, 2 or 3, got {re.escape(repr(problem))}"):
        load_transcription(problem=problem)
    with pytest.raises(error, match=rf"problem must be 1, 2 or 3, got {re.escape(repr(problem))}"):
        load_given(problem)
