"""The engine, media, project and CLI layers never import Qt."""
import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QT = ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6")


def _headless_files():
    files = list((ROOT / "studio" / "engine").rglob("*.py")) + list((ROOT / "studio" / "media").rglob("*.py"))
    return files + [ROOT / "studio" / "project.py", ROOT / "studio" / "cli.py"]


def test_no_qt_import_in_source():
    offenders = []
    for f in _headless_files():
        if not f.exists():
            continue
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{f.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in QT]
    assert not offenders, offenders
    assert len(_headless_files()) > 10


def test_no_qt_module_loaded_at_runtime():
    code = ("import sys, studio.cli, studio.engine, studio.engine.train, studio.engine.evaluate, "
            "studio.media.writer, studio.engine.footage.reading, studio.engine.bench; "
            f"bad = [m for m in sys.modules if m.split('.')[0] in {QT!r}]; print(bad); assert not bad")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
