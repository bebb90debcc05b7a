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
