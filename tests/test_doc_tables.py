"""The figure tables in README.md and docs/NOTES.md are generated from the committed JSON of the runs
that made them (scripts/doc_tables.py): they must match it."""
import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _tables():
    spec = importlib.util.spec_from_file_location("doc_tables", ROOT / "scripts" / "doc_tables.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_the_generated_tables_match_their_json():
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "doc_tables.py"), "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_a_retyped_figure_is_put_back():
    t = _tables()
    typed = "<!-- generated: footage-figures -->\n| sharpness | 99% |\n<!-- end generated -->"
    fixed = t.regenerate(typed)
    assert "99%" not in fixed and "footage-gan" in fixed and fixed.endswith("<!-- end generated -->")


def test_the_reader_gate_gives_the_decisions_the_notes_record():
    """scripts/reader_gate.py applies session 6's rule to recorded runs: K2 shipped over session 10's state; R6 and
    R7 kept every figure within 3 points but lowered the sum, so neither shipped."""
    import json
    spec = importlib.util.spec_from_file_location("reader_gate", ROOT / "scripts" / "reader_gate.py")
    gate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gate)
    s11 = json.loads((ROOT / "docs" / "reader_runs_session11.json").read_text())["runs"]
    s12 = json.loads((ROOT / "docs" / "reader_runs_session12.json").read_text())["runs"]
    first = lambda runs, p: next(v for k, v in runs.items() if k.startswith(p))      # noqa: E731
    assert gate.verdict(first(s11, "session 10"), first(s11, "K2"))[0]
    base = first(s12, "K2 drawn on the torus")
    for name in ("R6", "R7"):
        ok, lines = gate.verdict(base, first(s12, name))
        assert not ok and any(line.startswith("NO   the sum rises") for line in lines), name
        assert any(line.startswith("yes  no figure falls") for line in lines), name
