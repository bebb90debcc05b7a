"""Layers point one way: nothing outside the UI imports Qt, directly, lazily or through another module
(but `studio bench --worker | --soak`, which runs the Qt harnesses of studio/bench: ALLOWED below).

The non-UI modules are every module of `studio` except `studio/ui`, `studio/bench` (harnesses that
drive the window), `studio/app.py` and the engine thread's two sides (`engine_thread`,
`engine_client`)."""
import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QT = ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6")
QT_SIDE = ("studio.ui", "studio.bench", "studio.app", "studio.engine_thread", "studio.engine_client")
# the one way down into Qt: `studio bench --worker | --soak` runs the Qt harnesses in the CLI's own
# process (the worker figures depend on it), imported inside that command only
ALLOWED = {("studio.cli", "studio.bench.worker_latency"), ("studio.cli", "studio.bench.soak")}


def _module(f: Path) -> str:
    parts = list(f.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _qt_side(name: str) -> bool:
    return any(name == s or name.startswith(s + ".") for s in QT_SIDE)


MODULES = {_module(f): f for f in sorted((ROOT / "studio").rglob("*.py"))}
HEADLESS = sorted(m for m in MODULES if not _qt_side(m) and not m.endswith("__main__"))


def _imports(name: str) -> set:
    """Every module `name` imports anywhere in its source (inside functions too), absolute names."""
    f = MODULES[name]
    package = name if f.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[:len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module
            out.add(mod)
            out.update(f"{mod}.{a.name}" for a in node.names if f"{mod}.{a.name}" in MODULES)
    return out


def test_no_headless_module_reaches_qt_through_any_import():
    """Follows every import (lazy ones included) from each headless module through the studio package."""
    offenders = []
    for start in HEADLESS:
        seen, todo = {start}, [(start, [start])]
        while todo:
            name, path = todo.pop()
            for imp in _imports(name):
                if (name, imp) in ALLOWED:
                    continue
                if imp.split(".")[0] in QT or _qt_side(imp):
                    offenders.append(" -> ".join(path + [imp]))
                    continue
                if imp in MODULES and imp not in seen:
                    seen.add(imp)
                    todo.append((imp, path + [imp]))
    assert not offenders, "\n".join(sorted(set(offenders)))
    assert len(HEADLESS) > 40


# Each headless module is imported on its own into an interpreter that has loaded no studio module:
# a child forked from one that preloaded only the heavy third-party libraries (checked Qt-free first),
# so that each import is fresh and the test stays fast. Without fork, one interpreter per module.
CHECK = r"""
import os, sys
QT = {qt!r}
def qt_loaded():
    return [m for m in sys.modules if m.split(".")[0] in QT]
for lib in ("numpy", "torch", "cv2", "safetensors.torch", "PIL.Image", "imageio_ffmpeg", "tqdm"):
    try:
        __import__(lib)
    except ImportError:
        pass
assert not qt_loaded(), qt_loaded()
bad = []
for name in {modules!r}:
    if hasattr(os, "fork"):
        pid = os.fork()
        if pid == 0:
            try:
                __import__(name)
                os._exit(3 if qt_loaded() else 0)
            except BaseException:
                os._exit(4)
        code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    else:
        import subprocess
        code = subprocess.run([sys.executable, "-c", f"import sys, {{name}}; "
                               f"sys.exit(3 if [m for m in sys.modules if m.split('.')[0] in {{QT!r}}] else 0)"]).returncode
    if code:
        bad.append((name, "loaded Qt" if code == 3 else f"failed to import ({{code}})"))
print(bad)
sys.exit(1 if bad else 0)
"""


def test_each_headless_module_alone_loads_no_qt():
    code = CHECK.format(qt=QT, modules=HEADLESS)
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
