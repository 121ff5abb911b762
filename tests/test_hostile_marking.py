"""Hostile and messy classes against ``python -m hwlib.mark`` and ``python -m hwlib.practice --sheets``.

Each case ends in a correct result or exit status 2 with one line per problem: never a traceback, a
silently wrong mark, a file outside DIR or a partial DIR.  The points of the end-to-end case are
computed by hand below, from the homework's Given (7,200 weights, 1,620,000 MACs, padding 1, stride 2,
z = -1, L = 9, dL/dz = -6, dL/dw1_22 = 6), not by the library.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest

from hwlib import mark, output_folder
from hwlib.mark import main
from hwlib.practice import main as practice_main

HEADER = [
    "Student",
    "ID",
    "SIS User ID",
    "SIS Login ID",
    "Section",
    "Timestamp",
    "Q1: standard weights",
    "Q2: standard MACs",
    "Q3: padding",
    "Q4: stride",
    "Q5: z",
    "Q6: L",
    "Q7: dL/dz",
    "Q8: dL/dw1_22",
]
QUANTITIES = ["standard.weights", "standard.macs", "padding", "stride", "z", "L", "dL/dz", "dL/dw1_22"]
COLUMN_MAP = "[columns]\n" + "".join(
    f'"{h}" = "{r}"\n' for h, r in zip(HEADER, ["student", "id", "ignore", "ignore", "section", "ignore", *QUANTITIES])
)
RUBRIC = 'default = 1\ncarried = 0.5\n[points]\n"standard.weights" = 2\np3 = 0.5\n'
# name, id, section, the eight cells; then the points by hand: weights 2, MACs, padding, stride 1 each,
# the four Problem 3 values 0.5 each (7 in all); a carried value earns half its points
ROWS = [
    ("Zo\u00eb \u00c5ngstr\u00f6m", "101", "Sec A", ["7200", "1,620,000", "1", "2", "-1", "9", "\u22126", "6"], "7"),
    # NFD accents, a double space: one student after NFC and folding; biases counted, MACs carried from them
    (
        unicodedata.normalize("NFD", "Jos\u00e9  \u00c1lvarez"),
        "0102",
        "Sec A",
        ["7240", "1629000", "1", "2", "\u20131", "9", "-6", "6"],
        "4.5",
    ),  # 0 + 0.5 + 1 + 1 + 4 x 0.5
    ("=Eve Formula", "=1+2", "=Sec B", ["7200 weights", "n/a", "?", "1/2", "0,125", "1e3", "", ""], "0"),
    ("-Ana", "104", "Sec B", ["7200", "1620000.0", "1", "2", "-1", "9.00", "-6.00", "6"], "7"),
    ("Doe, Jane", "105", "Sec B", ["3600", "810000", "1", "2", "-1", "9", "-6", "6"], "4.5"),  # C_in filters
    ("Line\nBreak", "106", 'Sec "Q"', [""] * 8, "0"),
    # 3 significant figures: z -1.004 is -1.00 (correct), L 9.04 wrong, dL/dz -6.01 carried from z, 6.02 wrong
    ("@Cid", "107", "Sec C", ["7200", "1620000", "1", "2", "-1.004", "9.04", "-6.01", "6.02"], "5.75"),
]


def export_text(delimiter: str = ",", crlf: bool = True) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(HEADER)
    for name, sid, section, cells, _ in ROWS:
        writer.writerow([name, sid, f"s{sid}", f"{sid}@u", section, "2026-01-01 10:00", *cells])
    return buffer.getvalue()


def write(path: Path, text: str, bom: bool = False) -> Path:
    path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8", newline="")
    return path


def run(capsys, argv: list[str], tool=main) -> tuple[int, str]:
    code = tool([str(a) for a in argv])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


@pytest.mark.parametrize(("delimiter", "crlf", "bom"), [(",", True, True), (";", True, False), ("\t", False, True)])
def test_a_canvas_export_to_a_canvas_import(tmp_path, capsys, delimiter, crlf, bom):
    export = write(tmp_path / "export.csv", export_text(delimiter, crlf), bom)
    columns = write(tmp_path / "canvas_map.toml", COLUMN_MAP)
    rubric = write(tmp_path / "rubric.toml", RUBRIC)
    out = tmp_path / "marked"
    code, err = run(
        capsys,
        [
            export,
            "--columns",
            columns,
            "--rubric",
            rubric,
            "--lenient",
            "--export",
            "canvas",
            "--export",
            "moodle",
            "--assignment",
            "HW 3",
            "--out",
            out,
        ],
    )
    assert (code, err) == (0, "")
    with open(out / "canvas.csv", newline="", encoding="utf-8") as f:
        canvas = list(csv.reader(f))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "HW 3"]
    assert canvas[1] == ["Points Possible", "", "", "", "", "7"]
    by_id = {row[1]: row for row in canvas[2:]}
    assert list(by_id) == [sid for _, sid, _, _, _ in ROWS]  # ids exactly as given, "0102" and "=1+2" too
    for name, sid, _, _, points in ROWS:
        assert by_id[sid][2:4] == [f"s{sid}", f"{sid}@u"]
        assert by_id[sid][5] == points, name
    assert by_id["=1+2"][0] == "'=Eve Formula" and by_id["104"][0] == "'-Ana"
    assert by_id["0102"][0] == "Jos\u00e9 \u00c1lvarez"  # NFC, one space
    with open(out / "moodle.csv", newline="", encoding="utf-8") as f:
        moodle = {row[0]: row[3] for row in list(csv.reader(f))[1:]}
    assert moodle == {sid: points for _, sid, _, _, points in ROWS}
    with open(out / "review.csv", newline="", encoding="utf-8") as f:
        review = [(r["quantity"], r["text"]) for r in csv.DictReader(f)]
    assert review == [
        ("standard.weights", "7200 weights"),
        ("standard.macs", "n/a"),
        ("padding", "?"),
        ("stride", "1/2"),
        ("z", "0,125"),
    ]
    eve = (out / "feedback" / "Eve-Formula.md").read_text(encoding="utf-8")
    assert "| review | '0,125' is not a number: a decimal comma is ambiguous: write 0.125; your teacher" in eve
    assert sorted(p.name for p in (out / "feedback").iterdir()) == [
        "Ana.md",
        "Cid.md",
        "Doe-Jane.md",
        "Eve-Formula.md",
        "Jose-Alvarez.md",
        "Line-Break.md",
        "Zoe-Angstrom.md",
    ]


# ------------------------------------------------------------------ control and text-direction characters

HIDDEN = ["\x1b[2J", "\u202e", "\x07", "\x7f", "\u2066", "\x9b"]


@pytest.mark.parametrize("column", ["student", "id", "section"])
@pytest.mark.parametrize("hidden", HIDDEN, ids=[repr(h) for h in HIDDEN])
def test_a_control_or_bidi_character_in_a_name_id_or_section_stops_the_run(tmp_path, capsys, column, hidden):
    cells = {"student": "Eve", "id": "7", "section": "A"}
    cells[column] = f"X{hidden}Y"
    answers = write(
        tmp_path / "a.csv",
        f"student,id,section,standard.weights\n{cells['student']},{cells['id']},{cells['section']},7200\nBo,8,A,7200\n",
    )
    out = tmp_path / "out"
    code, err = run(capsys, [answers, "--export", "canvas", "--out", out])
    assert code == 2 and not out.exists()
    lines = err.splitlines()
    assert len(lines) == 1 and "row 2" in lines[0] and f"in column '{column}'" in lines[0]
    assert all(ch not in err for ch in "\x1b\u202e\x07\x7f\u2066\x9b")  # shown escaped on the terminal


@pytest.mark.parametrize("hidden", HIDDEN, ids=[repr(h) for h in HIDDEN])
def test_a_control_or_bidi_character_in_a_roster_stops_the_sheets(tmp_path, capsys, hidden):
    roster = write(tmp_path / "roster.csv", f"student,id\nEve{hidden}evil,1\nBo,2\n")
    out = tmp_path / "sheets"
    code, err = run(capsys, ["--sheets", roster, "--out", out], practice_main)
    assert code == 2 and not out.exists()
    assert len(err.splitlines()) == 1 and "row 2" in err


@pytest.mark.parametrize("name", ["HW\u202e3", "HW\x7f3", "HW\x853", "HW\u20663", "HW\t3"])
def test_an_assignment_name_with_a_control_character_is_refused(tmp_path, capsys, name):
    answers = write(tmp_path / "a.csv", "student,id,standard.weights\nAna,1,7200\n")
    out = tmp_path / "out"
    code, err = run(capsys, [answers, "--export", "canvas", "--assignment", name, "--out", out])
    assert code == 2 and not out.exists() and len(err.splitlines()) == 1 and "--assignment" in err


@pytest.mark.parametrize("name", ["HW, 3", 'HW "3"', '=HYPERLINK("x")', "Devoir n\u00b0 3"])
def test_an_assignment_name_with_commas_quotes_or_a_formula_is_one_header_cell(tmp_path, capsys, name):
    answers = write(tmp_path / "a.csv", "student,id,standard.weights\nAna,1,7200\n")
    out = tmp_path / "out"
    assert run(capsys, [answers, "--export", "canvas", "--assignment", name, "--out", out])[0] == 0
    with open(out / "canvas.csv", newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    assert header[5] == ("'" + name if name.startswith("=") else name)


# ------------------------------------------------------------------ sizes


@pytest.mark.parametrize("width", [60, 5000])
def test_many_unknown_columns_give_a_bounded_report(tmp_path, capsys, width):
    answers = write(
        tmp_path / "wide.csv",
        "student," + ",".join(f"c{i}" for i in range(width)) + "\nAna," + ",".join("1" for _ in range(width)) + "\n",
    )
    code, err = run(capsys, [answers, "--out", tmp_path / "out"])
    lines = err.splitlines()
    assert code == 2 and len(lines) == 51 and f"{width:,} columns in all are not quantities" in lines[-1]


@pytest.mark.parametrize("points", ["1e-300", "0.0000001", "1.0000005"])
def test_a_rubric_finer_than_a_gradebook_is_refused(tmp_path, capsys, points):
    answers = write(tmp_path / "a.csv", "student,id,standard.weights\nAna,1,7200\n")
    rubric = write(tmp_path / "r.toml", f"default = {points}\n")
    code, err = run(capsys, [answers, "--rubric", rubric, "--out", tmp_path / "out"])
    assert code == 2 and len(err.splitlines()) == 1 and "decimal places" in err


def test_a_rubric_with_six_decimal_places_marks_exactly(tmp_path, capsys):
    answers = write(tmp_path / "a.csv", "student,id,standard.weights,standard.macs\nAna,1,7200,1620000\n")
    rubric = write(tmp_path / "r.toml", 'default = 0.000001\n[points]\n"standard.macs" = 0.333333\n')
    assert run(capsys, [answers, "--rubric", rubric, "--export", "canvas", "--out", tmp_path / "out"])[0] == 0
    with open(tmp_path / "out" / "canvas.csv", newline="", encoding="utf-8") as f:
        assert list(csv.reader(f))[2][5] == "0.333334"


# ------------------------------------------------------------------ signals


def _earlier_run(tmp_path: Path, capsys) -> tuple[Path, Path, dict[str, bytes]]:
    out = tmp_path / "out"
    first = write(tmp_path / "first.csv", "student,standard.weights\nAna,7200\n")
    assert run(capsys, [first, "--out", out])[0] == 0
    before = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    second = write(tmp_path / "second.csv", "student,standard.weights\nBo,7240\nCy,7200\n")
    return out, second, before


@pytest.mark.parametrize("swap", ["exchange", "two renames"])
def test_a_signal_during_the_swap_leaves_the_new_results_complete(tmp_path, capsys, monkeypatch, swap):
    out, second, _ = _earlier_run(tmp_path, capsys)
    sent = []
    if swap == "exchange":  # SIGTERM lands right after the atomic exchange, before the earlier run is removed
        exchange = output_folder._exchange

        def exchange_then_signal(a, b):
            done = exchange(a, b)
            sent.append(done)
            os.kill(os.getpid(), signal.SIGTERM)
            return done

        monkeypatch.setattr(output_folder, "_exchange", exchange_then_signal)
    else:  # no exchange: SIGTERM lands between moving DIR aside and the new one in
        monkeypatch.setattr(output_folder, "_exchange", lambda a, b: False)
        rename = os.rename

        def rename_then_signal(src, dst):
            rename(src, dst)
            if Path(dst).name == "old":
                sent.append(True)
                os.kill(os.getpid(), signal.SIGTERM)

        monkeypatch.setattr(output_folder.os, "rename", rename_then_signal)
    code, err = run(capsys, [second, "--out", out])
    assert sent == [True] and (code, err) == (0, "")
    assert "Bo" in (out / "marks.csv").read_text(encoding="utf-8") and (out / "run.json").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first.csv", "out", "second.csv"]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_signal_while_marking_leaves_the_earlier_results_and_one_line(tmp_path, capsys, monkeypatch, signum):
    out, second, before = _earlier_run(tmp_path, capsys)
    add = mark.Summary.add

    def add_then_signal(self, marked):
        os.kill(os.getpid(), signum)
        return add(self, marked)

    monkeypatch.setattr(mark.Summary, "add", add_then_signal)

    class Escaped(Exception):
        pass

    def escaped(number, frame):  # what the signal does when the tool does not handle it
        raise Escaped()

    previous = signal.signal(signum, escaped)
    try:
        code, err = run(capsys, [second, "--out", out])
    except (Escaped, KeyboardInterrupt):
        pytest.fail(f"signal {signum} was not handled by the tool (a traceback or a killed run)")
    finally:
        signal.signal(signum, previous)
    assert code == 128 + signum and len(err.splitlines()) == 1 and "untouched" in err
    after = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first.csv", "out", "second.csv"]


def test_a_problem_is_reported_at_the_row_a_spreadsheet_shows(tmp_path, capsys):
    # row 2's name holds a quoted line break: the spreadsheet shows Bo in row 3, not line 4
    answers = write(tmp_path / "a.csv", 'student,standard.weights\n"Ann\nLee",7200\nBo,n/a\n')
    code, err = run(capsys, [answers, "--out", tmp_path / "out"])
    assert code == 2 and err.startswith(f"error: {answers}, row 3 (student 'Bo')")


@pytest.mark.parametrize("where", ["header", "name", "answer"])
def test_a_huge_cell_is_one_line_that_says_so(tmp_path, capsys, where):
    huge = "7" * 200_000  # over the cell limit, under the line limit (an input with longer lines: below)
    text = {
        "header": f"student,{huge}\nAna,1\n",
        "name": f"student,z\n{huge},1\n",
        "answer": f"student,z\nAna,{huge}\n",
    }[where]
    answers = write(tmp_path / "a.csv", text)
    code, err = run(capsys, [answers, "--lenient", "--out", tmp_path / "out"])
    assert code == 2 and len(err.splitlines()) == 1 and "a cell longer than 131,072 characters" in err


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_run_of_a_big_class_leaves_dir_the_earlier_run_or_the_new_one(tmp_path, capsys, signum):
    out, _, before = _earlier_run(tmp_path, capsys)
    big = tmp_path / "big.csv"
    big.write_text(
        "student,standard.weights,standard.macs\n"
        + "".join(f"S{i},{7200 + i % 2 * 40},1620000\n" for i in range(40_000)),
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    # The signal lands as soon as the run has made its temporary folder beside DIR (its signal handler may not be
    # set yet), then, in a second run, as soon as it has begun writing marks.csv there (the class is being written).
    for moment in ("*", "*/marks.csv"):
        process = subprocess.Popen(
            [sys.executable, "-m", "hwlib.mark", str(big), "--out", str(out)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 120
        while process.poll() is None and not any(tmp_path.glob(f".out.tmp-{moment}")):
            assert time.monotonic() < deadline, f"the run made no .out.tmp-{moment} in 120 s"
            time.sleep(0.005)
        process.send_signal(signum)
        err = process.communicate(timeout=120)[1].decode()
        assert "Traceback" not in err
        after = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
        if after != before:  # the swap happened before the signal: the new outputs, complete
            assert process.returncode in (0, -signal.SIGKILL)
            assert b"S39999," in after["marks.csv"] and "run.json" in after and "report.md" in after
        else:
            # -signum: the signal came before hwlib.mark set its SIGTERM handler (still at import)
            # 0: a complete run that wrote the same bytes as the complete run before it
            assert process.returncode in (-signum, 128 + signum) or (
                process.returncode == 0 and b"S39999," in before.get("marks.csv", b"")
            )
        before = after  # the next run is compared with what this one left
    # SIGKILL cannot be caught: its run may leave its temporary folder; the next run to DIR removes it
    assert run(capsys, [big, "--out", out])[0] == 0
    assert not list(tmp_path.glob(".out.tmp-*")) and b"S39999," in (out / "marks.csv").read_bytes()


@pytest.mark.skipif(os.name != "posix", reason="a process is asked whether it runs only on POSIX")
def test_only_the_temporary_folders_of_ended_runs_on_this_machine_are_removed(tmp_path):
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead, host = int(ended.stdout), output_folder._HOST
    other_host = "0" * 8 if host != "0" * 8 else "1" * 8
    names = {
        f".out.tmp-{host}-{dead}-abc": False,  # a run of this machine that no longer runs: removed
        f".out.tmp-{host}-{os.getpid()}-abc": True,  # a run still running (this test)
        f".out.tmp-{other_host}-{dead}-abc": True,  # another machine's run: it cannot be asked
        ".out.tmp-abcdefgh": True,  # a name of another form
        f".other.tmp-{host}-{dead}-abc": True,  # another DIR's
        f".out.old-{host}-{dead}-abc": True,  # an earlier run's outputs set aside: never removed
    }
    for name in names:
        (tmp_path / name).mkdir()
        (tmp_path / name / "marks.csv").write_text("x", encoding="utf-8")
    folder = output_folder.OutputFolder(tmp_path / "out")
    folder.discard()
    assert {name: (tmp_path / name).is_dir() for name in names} == names


@pytest.mark.parametrize(
    ("kind", "header"), [("canvas", "student,z"), ("moodle", "student,z"), ("moodle", "student,SIS User ID,z")]
)
def test_an_export_without_the_column_its_gradebook_matches_on_is_refused(tmp_path, capsys, kind, header):
    answers = write(tmp_path / "a.csv", header + "\n" + "Ana," * (header.count(",")) + "-1\n")
    columns = write(tmp_path / "m.toml", '[columns]\n"SIS User ID" = "ignore"\n')
    code, err = run(capsys, [answers, "--columns", columns, "--export", kind, "--out", tmp_path / "out"])
    assert code == 2 and len(err.splitlines()) == 1 and f"--export {kind} needs an id column" in err
    assert not (tmp_path / "out").exists()


def test_a_canvas_export_matched_by_sis_user_id_alone(tmp_path, capsys):
    answers = write(tmp_path / "a.csv", "student,SIS User ID,z\nAna,s1,-1\n")
    columns = write(tmp_path / "m.toml", '[columns]\n"SIS User ID" = "ignore"\n')
    assert run(capsys, [answers, "--columns", columns, "--export", "canvas", "--out", tmp_path / "out"])[0] == 0
    with open(tmp_path / "out" / "canvas.csv", newline="", encoding="utf-8") as f:
        assert list(csv.reader(f))[2] == ["Ana", "", "s1", "", "", "1"]


@pytest.mark.parametrize("extra", ["notes.txt", "inner", "grades-edited.csv"])
def test_an_earlier_dir_holding_other_files_is_never_replaced(tmp_path, capsys, extra):
    out, second, before = _earlier_run(tmp_path, capsys)
    if extra == "inner":  # another run nested inside DIR
        assert run(capsys, [second, "--out", out / "inner"])[0] == 0
    else:
        (out / extra).write_text("kept", encoding="utf-8")
    code, err = run(capsys, [second, "--out", out])
    assert code == 2 and len(err.splitlines()) == 1 and repr(extra) in err
    assert (out / extra).exists() and (out / "marks.csv").read_bytes() == before["marks.csv"]


def test_an_earlier_sheets_dir_holding_other_files_is_never_replaced(tmp_path, capsys):
    roster = write(tmp_path / "roster.csv", "student\nAna\n")
    out = tmp_path / "sheets"
    assert run(capsys, ["--sheets", roster, "--out", out], practice_main)[0] == 0
    (out / "notes.md").write_text("kept", encoding="utf-8")
    code, err = run(capsys, ["--sheets", roster, "--out", out], practice_main)
    assert code == 2 and "'notes.md'" in err and (out / "notes.md").exists()


def test_an_export_asked_twice_is_written_once(tmp_path, capsys):
    answers = write(tmp_path / "a.csv", "student,id,z\nAna,1,-1\n")
    code, err = run(capsys, [answers, "--export", "canvas", "--export", "canvas", "--out", tmp_path / "out"])
    assert (code, err) == (0, "") and (tmp_path / "out" / "canvas.csv").exists()


def test_an_unnamed_column_says_what_it_probably_is(tmp_path, capsys):
    answers = write(tmp_path / "a.csv", "student,z,\nAna,-1,\n")
    code, err = run(capsys, [answers, "--out", tmp_path / "out"])
    assert code == 2 and "a column without a name" in err and '"" = "ignore"' in err
    columns = write(tmp_path / "m.toml", '[columns]\n"" = "ignore"\n')
    assert run(capsys, [answers, "--columns", columns, "--out", tmp_path / "out"])[0] == 0


def test_names_without_ascii_letters_get_feedback_files_a_ta_can_tell_apart(tmp_path, capsys):
    import hashlib

    names = ["\u5f20\u4f1f", "\u674e\u5a1c", "\u0645\u062d\u0645\u062f"]
    answers = write(tmp_path / "a.csv", "student,z\n" + "".join(f"{n},-1\n" for n in names))
    assert run(capsys, [answers, "--out", tmp_path / "out"])[0] == 0
    expected = sorted(f"student-{hashlib.sha256(n.encode()).hexdigest()[:8]}.md" for n in names)
    assert sorted(p.name for p in (tmp_path / "out" / "feedback").iterdir()) == expected


def test_a_canvas_roster_with_capitalised_headers_makes_sheets(tmp_path, capsys):
    roster = write(tmp_path / "roster.csv", "Student,ID,SIS User ID,Section\r\nAna,101,s1,A\r\n", bom=True)
    out = tmp_path / "sheets"
    assert run(capsys, ["--sheets", roster, "--out", out], practice_main)[0] == 0
    with open(out / "key.csv", newline="", encoding="utf-8") as f:
        key = next(csv.DictReader(f))
    assert (key["student"], key["id"], key["section"]) == ("Ana", "101", "A")


@pytest.mark.parametrize(
    "option", [["--sig-figs", "0"], ["--sig-figs", "18"], ["--tolerance", "nan"], ["--tolerance", "1"]]
)
def test_an_impossible_agreement_option_is_refused_not_replaced_by_the_default(tmp_path, capsys, option):
    answers = write(tmp_path / "a.csv", "student,z\nAna,-1.004\n")
    code, err = run(capsys, [answers, *option, "--out", tmp_path / "out"])
    assert code == 2 and len(err.splitlines()) == 1 and option[0] in err and not (tmp_path / "out").exists()


def test_a_neutralised_name_and_a_name_with_an_apostrophe_stay_two_cells(tmp_path, capsys):
    answers = write(tmp_path / "a.csv", "student,id,z\n-Ana,1,-1\n'-Ana,2,-2\n")
    assert run(capsys, [answers, "--export", "canvas", "--export", "moodle", "--out", tmp_path / "out"])[0] == 0
    for name, column in (("marks.csv", 0), ("canvas.csv", 0), ("moodle.csv", 1)):
        with open(tmp_path / "out" / name, newline="", encoding="utf-8") as f:
            cells = [
                row[column]
                for row in csv.reader(f)
                if row[column] not in ("student", "Student", "Full name", "Points Possible")
            ]
        assert cells == ["'-Ana", "''-Ana"], name


@pytest.mark.parametrize(
    "text",
    [
        "Student;Q1: weights, no bias, per filter;Q5: z, the output\nAna;7200;-1\nBo;7240;-2\n",
        "Student\tQ1: weights, no bias, per filter\tQ5: z, the output\nAna\t7200\t-1\n",
        "Student;Q1: weights, no bias, per filter;Q5: z, the output\r\nAna;7200;-1\r\n",
    ],
)
def test_a_semicolon_or_tab_export_whose_headers_hold_commas(tmp_path, capsys, text):
    delimiter = ";" if ";" in text else "\t"
    answers = write(tmp_path / "a.csv", text)
    columns = write(
        tmp_path / "m.toml",
        '[columns]\n"Student" = "student"\n"Q1: weights, no bias, per filter" = "standard.weights"\n'
        '"Q5: z, the output" = "z"\n',
    )
    assert run(capsys, [answers, "--columns", columns, "--out", tmp_path / "out"]) == (0, "")
    with open(tmp_path / "out" / "run.json", encoding="utf-8") as f:
        assert f'"delimiter": "{delimiter}"'.replace("\t", "\\t") in f.read()
    with open(tmp_path / "out" / "marks.csv", newline="", encoding="utf-8") as f:
        assert next(csv.DictReader(f))["correct"] == "2"


@pytest.mark.parametrize("kind", ["endless", "long line", "nul"])
def test_an_input_that_is_no_csv_text_is_refused_at_once(tmp_path, capsys, kind):
    if kind == "endless":
        answers = Path("/dev/zero")
        if not answers.exists():
            pytest.skip("no /dev/zero on this system")
    elif kind == "long line":
        answers = write(tmp_path / "a.csv", "student,z\nAna," + "1" * 1_100_000 + "\n")
    else:
        answers = write(tmp_path / "a.csv", "student,z\nAna,\x00-1\n")
    code, err = run(capsys, [answers, "--out", tmp_path / "out"])
    assert code == 2 and len(err.splitlines()) == 1
    assert ("NUL bytes" if kind == "nul" else "longer than 1,048,576 characters") in err
    assert not (tmp_path / "out").exists()
