"""The lesson script (binding, see DESIGN.md): parsing, validation and writing. Pure Python.

    # Colours and motion
    4 | a large red circle moving right on a white background | The red circle moves to the right.
    3 | a large blue square bouncing on a black background | The blue square bounces.

An optional first line `# Title` is the title card; every other non-empty line that does not start
with `#` is a shot `seconds | prompt | caption` (caption optional); later `#` lines are comments.
A bad line is one StudioError sentence that names the file and the line number.

Seeds: a shot read from a script gets `script_seed(line, prompt)`, a CRC-32 of its line number and
prompt, so the same script renders the same lesson every time (and editing one line re-rolls only
that shot). A shot captured in the app keeps the seed, sliders and keyframes of its clip.
"""
from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ..basics.errors import StudioError
from ..basics.files import read_bytes, save_text

MAX_FRAMES = 4096                      # the same limit as a clip (engine and project file)
FORMAT_HINT = "write a shot as `seconds | prompt | caption`"


@dataclass(frozen=True)
class Shot:
    """Immutable: an edit makes a new Shot (dataclasses.replace), so a lesson's snapshot is a copy of
    its list, not of every shot (the window takes one on every slider step)."""
    seconds: float                     # the shot's length; it may grow to fit its narration
    prompt: str
    caption: str = ""
    seed: int = 0
    sliders: dict[str, float] = field(default_factory=dict)
    keyframes: list = field(default_factory=list)     # studio.project.Keyframe, from the app
    line: int = 0                      # the script line it came from (0: made in the app)

    def label(self) -> str:
        """The chapter name: the caption, else the prompt."""
        return self.caption or self.prompt


@dataclass
class Lesson:
    title: str = ""
    shots: list[Shot] = field(default_factory=list)

    def seconds(self) -> float:
        return sum(s.seconds for s in self.shots)


def script_seed(line: int, prompt: str) -> int:
    """The seed of a script shot: fixed by its line number and prompt."""
    return zlib.crc32(f"{line}|{prompt.strip()}".encode("utf-8"))


def _bad(where: str, line: int, what: str) -> StudioError:
    return StudioError(f"{where}, line {line}: {what}")


def _seconds(text: str, where: str, line: int) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _bad(where, line, f"the length {text!r} is not a number of seconds; {FORMAT_HINT}") from None
    if not math.isfinite(value):
        raise _bad(where, line, f"the length {text!r} is not a number of seconds; {FORMAT_HINT}")
    if value <= 0:
        raise _bad(where, line, f"the length must be more than 0 seconds, not {text}")
    return value


def parse_script(text: str | bytes, where: str = "the lesson script") -> Lesson:
    """Parses a script (str, or bytes that must be UTF-8); raises StudioError naming the line."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as e:
            line = text[:e.start].count(b"\n") + 1
            raise _bad(where, line, "the file is not UTF-8 text (save it as UTF-8)") from None
    text = text.removeprefix("\ufeff")
    lesson = Lesson()
    seen_content = False
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if not seen_content:
                lesson.title = line.lstrip("#").strip()
            seen_content = True
            continue
        seen_content = True
        fields = [f.strip() for f in line.split("|")]
        if len(fields) < 2:
            raise _bad(where, n, f"{line[:40]!r} is not a shot; {FORMAT_HINT}")
        if len(fields) > 3:
            raise _bad(where, n, f"it has {len(fields)} fields separated by '|', and a shot has at most 3 "
                                 f"(seconds | prompt | caption)")
        seconds = _seconds(fields[0], where, n)
        prompt = fields[1]
        if not prompt:
            raise _bad(where, n, "the prompt is empty")
        caption = fields[2] if len(fields) == 3 else ""
        lesson.shots.append(Shot(seconds, prompt, caption, script_seed(n, prompt), line=n))
    if not lesson.shots:
        raise StudioError(f"{where} has no shots; {FORMAT_HINT}, one per line")
    return lesson


def read_script(path: str | Path) -> Lesson:
    path = Path(path)
    raw = read_bytes(path, "a lesson script")
    return parse_script(raw, str(path))


def shot_frames(seconds: float, fps: int) -> int:
    """A length in seconds as whole frames (the nearest frame, at least one)."""
    return max(1, round(seconds * fps))


def check_length(lesson: Lesson, fps: int, title_frames: int, shot_lengths: list[int] | None = None,
                 where: str = "the lesson script") -> int:
    """Total frames; StudioError naming the line of the shot that takes the lesson past MAX_FRAMES."""
    total = title_frames
    for i, shot in enumerate(lesson.shots):
        total += shot_lengths[i] if shot_lengths else shot_frames(shot.seconds, fps)
        if total > MAX_FRAMES:
            at = f"line {shot.line}" if shot.line else f"shot {i + 1}"
            raise StudioError(f"{where}, {at}: the lesson reaches {total} frames here ({total / fps:.1f} s at "
                              f"{fps} fps), more than the limit of {MAX_FRAMES} frames; shorten it or lower --fps")
    return total


def _field(text: str) -> str:
    return " ".join(text.replace("|", "/").split())


def format_script(lesson: Lesson) -> str:
    """The script text of a lesson (seeds, sliders and keyframes are not part of the format)."""
    lines = [f"# {_field(lesson.title)}"] if lesson.title.strip() else []
    for s in lesson.shots:
        parts = [f"{s.seconds:g}", _field(s.prompt)] + ([_field(s.caption)] if s.caption.strip() else [])
        lines.append(" | ".join(parts))
    return "\n".join(lines) + "\n"


def save_script(lesson: Lesson, path: str | Path) -> Path:
    """Writes the lesson's script atomically (a temporary file beside it, then a rename)."""
    return save_text(path, format_script(lesson))
