"""The project document (`*.lstudio`): a versioned JSON file that reproduces a clip.

    p = Project(model="shapes-vae", prompt="a red star moving left", seed=3, sliders={"size": 1.5})
    p.save("star.lstudio")                  # atomic: temporary file, then rename
    p = Project.load("star.lstudio")        # validated; StudioError with one sentence if bad

Pure Python: no Qt, no torch math. The app, the CLI (`export PROJECT`) and tests share it.
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from .basics.errors import StudioError
from .basics.export_sizes import FITS, FORMATS, SCALINGS, SIZES
from .basics.files import read_bytes, save_text
from .engine.audio_drives import Drive
from .engine.trajectory import NOISE, TimelineSpec, check_slider
from .lesson.script import Lesson, Shot
from .project_audio import ProjectAudio

FORMAT = "latent-studio-project"
VERSION = 3                 # 3 added audio (music and its drives); 2 keyframe seeds, loop and the noise
READS = (1, 2, 3)           # loop's period; 1 and 2 still open
SILENT_VERSION = 2          # a project without audio is written as version 2 wrote it
SUFFIX = ".lstudio"
MAX_FRAMES = 4096
EASINGS = ("linear", "ease-in", "ease-out", "ease-in-out", "hold")
EXPORT_FORMATS, EXPORT_SIZES, EXPORT_FITS, EXPORT_SCALINGS = FORMATS, tuple(SIZES), FITS, SCALINGS
MAX_SECONDS = 86400.0        # a keyframe time or a lesson shot's length beyond a day is a malformed file


class _Invalid(ValueError):
    """One reason why a document is malformed; turned into a StudioError naming the file."""


@dataclass
class Keyframe:
    time: float                                   # seconds from the clip start
    sliders: dict[str, float] = field(default_factory=dict)
    easing: str = "linear"                        # one of EASINGS, towards the next keyframe
    seed: int | None = None                       # the content code at this key (None: the project's)


@dataclass
class ExportOptions:
    format: str = "mp4"                           # one of EXPORT_FORMATS ("png" is a PNG sequence)
    size: str = "512"                             # one of EXPORT_SIZES
    fit: str = "letterbox"                        # letterbox or crop
    scaling: str = "native"                       # native (drawn at export size), pixel (nearest) or smooth
    fps: int | None = None                        # None: the project's fps


@dataclass
class Project:
    model: str = "shapes-vae"
    prompt: str = ""
    seed: int = 0
    frames: int = 16
    fps: int = 8
    sliders: dict[str, float] = field(default_factory=dict)
    keyframes: list[Keyframe] = field(default_factory=list)
    export: ExportOptions = field(default_factory=ExportOptions)
    seed_locked: bool = True
    loop: bool = False                            # the last frame flows into the first
    noise_period: float = 2.0                     # seconds per turn of the noise loop (slider "noise")
    lesson: Lesson = field(default_factory=Lesson)   # lesson shots (absent in older files: empty)
    audio: ProjectAudio | None = None             # music and its drives (absent in older files: none)

    def timeline(self, features: dict | None = None) -> TimelineSpec:
        """What the engine renders: base sliders, keys, loop, the noise loop and the music's drives, at
        the project's fps (the drives move nothing while the song is missing: see `audio_problem`).
        `features`: the song's features for this clip when the caller has them already (the app
        analyses the song off its UI thread); by default they are read here."""
        drives = self.audio.drives if self.audio else ()
        if features is None:
            features = self.audio.features(self.fps, self.frames) if self.audio else {}
        return TimelineSpec.of(self.frames, self.fps, self.sliders, self.keyframes, self.loop, self.seed,
                               self.noise_period, drives, features)

    def for_directions(self, directions) -> tuple["Project", list[str]]:
        """This project as a model with these directions draws it: the base look, the keys and the
        drives keep only its directions (and the noise), so a look made on another model still
        renders; the project itself keeps them all. Returns (that project, the names left out)."""
        keep = set(directions) | {NOISE}
        used = set(self.sliders) | {n for k in self.keyframes for n in k.sliders}
        used |= {d.direction for d in self.audio.drives} if self.audio else set()
        dropped = sorted(used - keep)
        if not dropped:
            return self, []
        keys = [replace(k, sliders={n: v for n, v in k.sliders.items() if n in keep}) for k in self.keyframes]
        audio = replace(self.audio, drives=[d for d in self.audio.drives if d.direction in keep]) if self.audio else None
        return replace(self, sliders={n: v for n, v in self.sliders.items() if n in keep}, keyframes=keys,
                       audio=audio), dropped

    def audio_problem(self) -> str | None:
        """None, or one sentence: the project's song is missing or unreadable (it opens all the same)."""
        return self.audio.problem() if self.audio else None

    # ------------------------------------------------------------------ dict form
    def to_dict(self, folder: str | os.PathLike | None = None) -> dict:
        """The document; the audio path relative to `folder` (the project file's) when given. A project
        without audio is written exactly as version 2 wrote it, so older apps still open it."""
        d = asdict(self)
        del d["audio"]
        if self.audio is None:
            return {"format": FORMAT, "version": SILENT_VERSION, **d}
        return {"format": FORMAT, "version": VERSION, **d, "audio": self.audio.to_dict(folder)}

    @classmethod
    def from_dict(cls, d: dict, folder: str | os.PathLike | None = None) -> "Project":
        """Validates a parsed document; raises _Invalid with the reason. `folder`: where the project
        file is (the audio path is relative to it)."""
        if not isinstance(d, dict):
            raise _Invalid("it is not a JSON object")
        if d.get("format") != FORMAT:
            raise _Invalid("it is not a Latent Studio project")
        version = d.get("version")
        if not _is_int(version):
            raise _Invalid("its version is missing")
        if version not in READS:
            newer = " (it was written by a newer Latent Studio)" if version > VERSION else ""
            raise _Invalid(f"it has project version {_shown(version)}{newer}, and this app reads versions "
                           f"{READS[0]} to {READS[-1]}")
        return cls(
            model=_text(d, "model", required=True),
            prompt=_text(d, "prompt", default=""),
            seed=_int(d, "seed", 0, 0, 2**63 - 1),
            frames=_int(d, "frames", 16, 1, MAX_FRAMES),
            fps=_int(d, "fps", 8, 1, 120),
            sliders=_sliders(d.get("sliders", {}), "sliders"),
            keyframes=[_keyframe(k, i) for i, k in enumerate(_list(d, "keyframes"))],
            export=_export(d.get("export", {})),
            seed_locked=_bool(d, "seed_locked", True),
            loop=_bool(d, "loop"),
            noise_period=_float(d, "noise_period", 2.0, 0.125, 600.0),
            lesson=_lesson(d.get("lesson", {})),
            audio=_audio(d.get("audio"), folder),
        )

    # ------------------------------------------------------------------ files
    def save(self, path: str | os.PathLike) -> Path:
        """Writes the project atomically: a temporary file beside the target, then a rename."""
        doc = self.to_dict(Path(path).absolute().parent)
        return save_text(path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n", fsync=True)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Project":
        path = Path(path)
        raw = read_bytes(path, "a project file")
        try:
            doc = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise StudioError(f"{path} is not a valid project: it is not UTF-8 text") from None
        except json.JSONDecodeError as e:
            raise StudioError(f"{path} is not a valid project: it is not valid JSON (line {e.lineno})") from None
        except RecursionError:
            raise StudioError(f"{path} is not a valid project: it is nested too deeply") from None
        try:
            return cls.from_dict(doc, path.absolute().parent)
        except _Invalid as e:
            raise StudioError(f"{path} is not a valid project: {e}") from None


# ---------------------------------------------------------------------- field checks
def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _shown(v) -> str:
    """A value quoted in a message: its JSON-like repr, cut short (a huge value stays one short sentence)."""
    text = repr(v)
    return text if len(text) <= 40 else text[:37] + "…"


def _is_number(v) -> bool:
    if not isinstance(v, (int, float)) or isinstance(v, bool):
        return False
    try:
        return math.isfinite(v)
    except OverflowError:                          # an integer too large for a float (10**400)
        return False


def _text(d: dict, key: str, default: str | None = None, required: bool = False) -> str:
    if key not in d:
        if required:
            raise _Invalid(f"its {key} is missing")
        return default
    v = d[key]
    if not isinstance(v, str) or (required and not v.strip()):
        raise _Invalid(f"its {key} must be {'a non-empty' if required else 'a'} string")
    try:
        v.encode("utf-8")
    except UnicodeEncodeError:                    # a lone surrogate ("\ud800") could never be saved again
        raise _Invalid(f"its {key} is not valid Unicode text") from None
    return v


def _int(d: dict, key: str, default: int, lo: int, hi: int) -> int:
    return _ranged(d, key, default, lo, hi, _is_int, "a whole number")


def _bool(d: dict, key: str, default: bool = False) -> bool:
    v = d.get(key, default)
    if not isinstance(v, bool):
        raise _Invalid(f"its {key} must be true or false, not {_shown(v)}")
    return v


def _float(d: dict, key: str, default: float, lo: float, hi: float) -> float:
    return float(_ranged(d, key, default, lo, hi, _is_number, "a number"))


def _ranged(d: dict, key: str, default, lo, hi, kind, what: str):
    v = d.get(key, default)
    if not kind(v) or not lo <= v <= hi:
        raise _Invalid(f"its {key} must be {what} from {lo:g} to {hi:g}, not {_shown(v)}")
    return v


def _list(d: dict, key: str) -> list:
    v = d.get(key, [])
    if not isinstance(v, list):
        raise _Invalid(f"its {key} must be a list")
    return v


def _sliders(v, where: str) -> dict[str, float]:
    if not isinstance(v, dict):
        raise _Invalid(f"its {where} must be an object of direction names and numbers")
    for name, value in v.items():
        if not _is_number(value):
            raise _Invalid(f"its {where} value for {_shown(name)} must be a number, not {_shown(value)}")
        try:
            check_slider(name, value)
        except StudioError as e:
            raise _Invalid(f"in its {where}, {e}") from None
    return {str(k): float(x) for k, x in v.items()}


def _keyframe(k, i: int) -> Keyframe:
    if not isinstance(k, dict):
        raise _Invalid(f"its keyframe {i + 1} must be an object")
    t = k.get("time")
    if not _is_number(t) or not 0 <= t <= MAX_SECONDS:
        raise _Invalid(f"its keyframe {i + 1} needs a time from 0 to {MAX_SECONDS:g} seconds, not {_shown(t)}")
    easing = k.get("easing", "linear")
    if not isinstance(easing, str) or easing not in EASINGS:
        raise _Invalid(f"its keyframe {i + 1} has an unknown easing {_shown(easing)}; use {', '.join(EASINGS)}")
    seed = k.get("seed")
    if seed is not None and (not _is_int(seed) or not 0 <= seed <= 2**63 - 1):
        raise _Invalid(f"its keyframe {i + 1} seed must be a whole number of zero or more, not {_shown(seed)}")
    return Keyframe(float(t), _sliders(k.get("sliders", {}), f"keyframe {i + 1} sliders"), easing, seed)


def _export(e) -> ExportOptions:
    if not isinstance(e, dict):
        raise _Invalid("its export settings must be an object")
    out = ExportOptions()
    for key, allowed in (("format", EXPORT_FORMATS), ("size", EXPORT_SIZES), ("fit", EXPORT_FITS),
                         ("scaling", EXPORT_SCALINGS)):
        v = e.get(key, getattr(out, key))
        if not isinstance(v, str) or v not in allowed:
            raise _Invalid(f"its export {key} {_shown(v)} is unknown; use {', '.join(allowed)}")
        setattr(out, key, v)
    fps = e.get("fps")
    if fps is not None and (not _is_int(fps) or not 1 <= fps <= 120):
        raise _Invalid(f"its export fps must be a whole number from 1 to 120, not {_shown(fps)}")
    out.fps = fps
    return out


def _lesson(v) -> Lesson:
    """The lesson: a title and shots, each a clip (prompt, seed, sliders, keyframes) with a length and caption."""
    if not isinstance(v, dict):
        raise _Invalid("its lesson must be an object")
    title = _text(v, "title", default="")
    shots = []
    for i, sd in enumerate(_list(v, "shots")):
        if not isinstance(sd, dict):
            raise _Invalid(f"its lesson shot {i + 1} must be an object")
        seconds = sd.get("seconds")
        if not _is_number(seconds) or not 0 < seconds <= MAX_SECONDS:
            raise _Invalid(f"its lesson shot {i + 1} needs a length of more than 0 and at most "
                           f"{MAX_SECONDS:g} seconds")
        shots.append(Shot(float(seconds), _text(sd, "prompt", default=""), _text(sd, "caption", default=""),
                          _int(sd, "seed", 0, 0, 2**63 - 1),
                          _sliders(sd.get("sliders", {}), f"lesson shot {i + 1} sliders"),
                          [_keyframe(k, j) for j, k in enumerate(_list(sd, "keyframes"))],
                          _int(sd, "line", 0, 0, 2**31)))
    return Lesson(title, shots)


def _audio(v, folder) -> ProjectAudio | None:
    """The music: a song's path (relative to the project file's folder), an offset and drives."""
    if v is None:
        return None
    if not isinstance(v, dict):
        raise _Invalid("its audio must be an object")
    named = {f"audio {k}": x for k, x in v.items() if k in ("path", "offset")}    # "its audio path must…"
    path = _text(named, "audio path", required=True)
    drives = []
    for i, d in enumerate(_list(v, "drives")):
        if not isinstance(d, dict):
            raise _Invalid(f"its audio drive {i + 1} must be an object")
        try:
            drives.append(Drive(d.get("direction"), d.get("feature"), d.get("amount", 1.0),
                                d.get("smoothing", 0.0)).checked())
        except StudioError as e:
            raise _Invalid(f"its audio drive {i + 1} is wrong: {e}") from None
    return ProjectAudio(ProjectAudio.found(path, folder), _float(named, "audio offset", 0.0, 0.0, MAX_SECONDS), drives)
