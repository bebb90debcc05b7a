"""Lesson videos: a script of shots becomes one captioned, chaptered video. No Qt here.

    from studio.lesson import read_script, render_lesson
    lesson = read_script("colours.txt")
    render_lesson(lesson, "colours.mp4", burn_in=True)     # + colours.srt, colours.vtt

`script` parses and validates the text format, `subtitles` writes SRT/WebVTT and chapter
metadata, `narration` speaks the captions with espeak-ng, `video` draws the shots and muxes.
"""
from .script import Lesson, Shot, format_script, parse_script, read_script, script_seed

__all__ = ["Lesson", "Shot", "format_script", "parse_script", "read_script", "script_seed", "render_lesson"]


def render_lesson(*args, **kwargs):
    """See studio.lesson.video.render_lesson (imported lazily: it pulls in the engine)."""
    from .video import render_lesson as _render
    return _render(*args, **kwargs)
