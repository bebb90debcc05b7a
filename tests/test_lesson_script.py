"""The lesson script: parsing, every bad-script case through the CLI (one sentence, the line, nothing
written), the lesson inside the project file, and the no-Qt rule for studio/lesson."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from studio.cli import main
from studio.basics.errors import StudioError
from studio.lesson.script import Lesson, Shot, format_script, parse_script, script_seed
from studio.project import Keyframe, Project

ROOT = Path(__file__).resolve().parents[1]
GOOD = """# Colours and motion
4 | a large red circle moving right on a white background | The red circle moves to the right.

# a comment
3 | a large blue square bouncing on a black background
"""


def test_parse_title_shots_captions_and_comments():
    lesson = parse_script(GOOD)
    assert lesson.title == "Colours and motion"
    assert [(s.seconds, s.caption, s.line) for s in lesson.shots] == [
        (4.0, "The red circle moves to the right.", 2), (3.0, "", 5)]
    assert lesson.shots[1].prompt == "a large blue square bouncing on a black background"
    assert lesson.shots[1].label() == lesson.shots[1].prompt            # chapter name without a caption
    assert lesson.shots[0].seed == script_seed(2, lesson.shots[0].prompt)
    assert parse_script(GOOD).shots[0].seed == lesson.shots[0].seed      # fixed by the script line
    assert parse_script("2 | a red star").title == ""                  # the title card is optional


def test_format_script_round_trips():
    lesson = parse_script(GOOD)
    again = parse_script(format_script(lesson))
    assert again.title == lesson.title
    assert [(s.seconds, s.prompt, s.caption) for s in again.shots] == [(s.seconds, s.prompt, s.caption)
                                                                        for s in lesson.shots]
    odd = Lesson("A | B", [Shot(1.5, "a red | star", "line one\nline two")])
    assert parse_script(format_script(odd)).shots[0].caption == "line one line two"


BAD = [
    ("2 | a red star\nabc | a blue circle | x\n", "line 2", "not a number of seconds"),
    ("# T\n0 | a red star\n", "line 2", "more than 0 seconds"),
    ("# T\n-2 | a red star\n", "line 2", "more than 0 seconds"),
    ("nan | a red star\n", "line 1", "not a number of seconds"),
    ("# T\n\n3 |   | caption\n", "line 3", "the prompt is empty"),
    ("2 | a red star | caption | extra\n", "line 1", "at most 3"),
    ("just some words\n", "line 1", "is not a shot"),
    ("# T\n2 | a red star\n4000 | a blue star\n", "line 3", "limit of 4096 frames"),
]


@pytest.mark.parametrize("text,line,what", BAD)
def test_bad_script_names_the_line_and_writes_nothing(tmp_path, capsys, text, line, what):
    script = tmp_path / "lesson.txt"
    script.write_text(text, encoding="utf-8")
    code = main(["lesson", str(script), "--out", str(tmp_path / "out.mp4"), "--size", "native"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.count("\n") == 0 and err.startswith("error: ")
    assert f"lesson.txt, {line}:" in err and what in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lesson.txt"]


def test_not_utf8_names_the_line(tmp_path, capsys):
    script = tmp_path / "lesson.txt"
    script.write_bytes("# Title\n2 | a red star\n3 | a caf\xe9 scene\n".encode("latin-1"))
    assert main(["lesson", str(script), "--out", str(tmp_path / "out.mp4")]) == 2
    err = capsys.readouterr().err
    assert "line 3" in err and "not UTF-8" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lesson.txt"]


def test_unknown_model_and_no_shots(tmp_path, capsys):
    script = tmp_path / "lesson.txt"
    script.write_text(GOOD, encoding="utf-8")
    assert main(["lesson", str(script), "--model", "no-such-model", "--out", str(tmp_path / "out.mp4")]) == 2
    assert "unknown model 'no-such-model'" in capsys.readouterr().err
    script.write_text("# Only a title\n", encoding="utf-8")
    assert main(["lesson", str(script), "--out", str(tmp_path / "out.mp4")]) == 2
    assert "has no shots" in capsys.readouterr().err
    assert main(["lesson", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "out.mp4")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lesson.txt"]


def test_frame_limit_counts_fps_and_title(tmp_path, capsys):
    script = tmp_path / "lesson.txt"
    script.write_text("# T\n100 | a red star\n100 | a blue star\n", encoding="utf-8")   # 1616 frames at 8 fps
    assert main(["lesson", str(script), "--fps", "24", "--out", str(tmp_path / "out.mp4")]) == 2
    assert "line 3" in capsys.readouterr().err                                        # 2448 + 2400 at 24 fps


def test_lesson_lives_in_the_project_file(tmp_path):
    shot = Shot(2.5, "a red star", "Stars", seed=7, sliders={"size": 1.0},
                keyframes=[Keyframe(0.0, {"speed": 1.0}), Keyframe(2.0, {"speed": -1.0}, "hold")])
    p = Project(prompt="x", lesson=Lesson("My lesson", [shot, Shot(1.0, "a blue circle")]))
    path = p.save(tmp_path / "l.lstudio")
    q = Project.load(path)
    assert q.lesson == p.lesson
    doc = json.loads(path.read_text())
    assert doc["lesson"]["shots"][0]["keyframes"][1]["easing"] == "hold"


def test_older_project_files_open_with_an_empty_lesson(tmp_path):
    old = {"format": "latent-studio-project", "version": 1, "model": "shapes-vae", "prompt": "a red star",
           "seed": 3, "frames": 16, "fps": 8}
    path = tmp_path / "old.lstudio"
    path.write_text(json.dumps(old))
    assert Project.load(path).lesson == Lesson()
    old["lesson"] = {"shots": [{"seconds": 0, "prompt": "x"}]}
    path.write_text(json.dumps(old))
    with pytest.raises(StudioError, match="lesson shot 1 needs a length"):
        Project.load(path)


def test_lesson_package_never_imports_qt():
    for f in (ROOT / "studio" / "lesson").rglob("*.py"):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            mods = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not [m for m in mods if m.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6")], f
