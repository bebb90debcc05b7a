"""Captions as SubRip (.srt) and WebVTT (.vtt) text, and chapters as ffmpeg metadata. Pure Python.

Times are whole milliseconds computed from frame numbers, so cues and chapters fall exactly on
the frames where their shot starts and ends.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Cue:
    start_ms: int
    end_ms: int
    text: str


def _stamp(ms: int, sep: str) -> str:
    h, rest = divmod(int(ms), 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _text(t: str) -> str:
    # a blank line would end the cue early; "-->" inside a cue confuses WebVTT readers
    return "\n".join(line for line in t.replace("-->", "→").splitlines() if line.strip()) or " "


def to_srt(cues: list[Cue]) -> str:
    blocks = [f"{i}\n{_stamp(c.start_ms, ',')} --> {_stamp(c.end_ms, ',')}\n{_text(c.text)}\n"
              for i, c in enumerate(cues, start=1)]
    return "\n".join(blocks)


def to_vtt(cues: list[Cue]) -> str:
    blocks = [f"{_stamp(c.start_ms, '.')} --> {_stamp(c.end_ms, '.')}\n"
              f"{_text(c.text).replace('&', '&amp;').replace('<', '&lt;')}\n" for c in cues]
    return "WEBVTT\n\n" + "\n".join(blocks)


def _meta(text: str) -> str:
    """ffmetadata escaping: '=', ';', '#', '\\' and newlines take a backslash."""
    out = text.replace("\\", "\\\\")
    for ch in "=;#":
        out = out.replace(ch, "\\" + ch)
    return out.replace("\n", "\\\n")


def to_ffmetadata(title: str, chapters: list[Cue]) -> str:
    """An ffmpeg metadata file (`-f ffmetadata`): the title and one [CHAPTER] per entry."""
    lines = [";FFMETADATA1"]
    if title:
        lines.append(f"title={_meta(title)}")
    for c in chapters:
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={c.start_ms}", f"END={c.end_ms}", f"title={_meta(c.text)}"]
    return "\n".join(lines) + "\n"
