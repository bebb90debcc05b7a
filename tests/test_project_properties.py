"""Property tests of the project document (Hypothesis): any valid project survives save and load
unchanged, and any malformed document is refused with one sentence (StudioError), never a traceback."""
from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from studio.basics.errors import StudioError
from studio.engine.audio_drives import Drive
from studio.engine.audio_features import FEATURES
from studio.engine.trajectory import EASINGS
from studio.lesson.script import Lesson, Shot
from studio.project import (EXPORT_FITS, EXPORT_FORMATS, EXPORT_SCALINGS, EXPORT_SIZES, MAX_FRAMES, ExportOptions,
                            Keyframe, Project)
from studio.project_audio import ProjectAudio

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
DIRECTIONS = ("size", "speed", "sefa1", "sefa12", "color-red", "background-sunset", "noise")
MAX_SEED = 2**63 - 1


# ---------------------------------------------------------------------- valid documents
def slider_values(limit: float = 5.0):
    return st.floats(-limit, limit, allow_nan=False, allow_infinity=False)


sliders = st.dictionaries(st.sampled_from(DIRECTIONS[:-1]), slider_values(), max_size=4) | st.builds(
    lambda d, n: {**d, "noise": n}, st.dictionaries(st.sampled_from(DIRECTIONS[:-1]), slider_values(), max_size=3),
    slider_values(3.0))
keyframes = st.builds(Keyframe, time=st.floats(0, 600, allow_nan=False), sliders=sliders,
                      easing=st.sampled_from(EASINGS), seed=st.none() | st.integers(0, MAX_SEED))
exports = st.builds(ExportOptions, format=st.sampled_from(EXPORT_FORMATS), size=st.sampled_from(EXPORT_SIZES),
                    fit=st.sampled_from(EXPORT_FITS), scaling=st.sampled_from(EXPORT_SCALINGS),
                    fps=st.none() | st.integers(1, 120))
shots = st.builds(Shot, seconds=st.floats(0.01, 600, allow_nan=False), prompt=st.text(max_size=40),
                  caption=st.text(max_size=40), seed=st.integers(0, MAX_SEED), sliders=sliders,
                  keyframes=st.lists(keyframes, max_size=2), line=st.integers(0, 2**31))
lessons = st.builds(Lesson, title=st.text(max_size=30), shots=st.lists(shots, max_size=2))
drives = st.builds(Drive, direction=st.sampled_from(DIRECTIONS), feature=st.sampled_from(FEATURES),
                   amount=slider_values(), smoothing=st.floats(0, 10, allow_nan=False))
songs = st.builds(ProjectAudio, path=st.text("abc xyz-_.é", min_size=1, max_size=12).map(lambda n: f"/music/{n}.mp3"),
                  offset=st.floats(0, 86400, allow_nan=False), drives=st.lists(drives, max_size=3))
projects = st.builds(
    Project, model=st.text(min_size=1, max_size=30).filter(str.strip), prompt=st.text(max_size=80),
    seed=st.integers(0, MAX_SEED), frames=st.integers(1, MAX_FRAMES), fps=st.integers(1, 120), sliders=sliders,
    keyframes=st.lists(keyframes, max_size=5), export=exports, seed_locked=st.booleans(), loop=st.booleans(),
    noise_period=st.floats(0.125, 600, allow_nan=False), lesson=lessons, audio=st.none() | songs)


@SETTINGS
@given(projects)
def test_any_valid_project_round_trips(tmp_path, p):
    assert Project.from_dict(json.loads(json.dumps(p.to_dict()))) == p
    path = p.save(tmp_path / "p.lstudio")
    assert Project.load(path) == p


def test_version_1_documents_still_open(tmp_path):
    doc = {"format": "latent-studio-project", "version": 1, "model": "shapes-vae", "prompt": "a red star",
           "sliders": {"size": 1.0}, "keyframes": [{"time": 0, "sliders": {"size": 0}, "easing": "hold"}]}
    path = tmp_path / "v1.lstudio"
    path.write_text(json.dumps(doc))
    p = Project.load(path)
    assert p.keyframes == [Keyframe(0.0, {"size": 0.0}, "hold", None)] and not p.loop and p.noise_period == 2.0


# ---------------------------------------------------------------------- malformed documents
def refused(tmp_path, content: bytes | str) -> str:
    """Loads the content from a file; it must be refused with one sentence and nothing else."""
    path = tmp_path / "bad.lstudio"
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    try:
        Project.load(path)
    except StudioError as e:
        message = str(e)
        assert message and "\n" not in message and "Traceback" not in message, message
        assert len(message) < 400, message
        return message
    raise AssertionError(f"a malformed document was accepted: {content[:300]!r}")


def valid_doc() -> dict:
    p = Project(model="shapes-vae", prompt="a red star moving left", seed=3, sliders={"size": 1.5},
                keyframes=[Keyframe(0.0, {"size": 0.5}, "ease-in", 7), Keyframe(1.5, {"sefa1": -1.0})],
                loop=True, noise_period=4.0,
                lesson=Lesson("Colours", [Shot(2.0, "a blue square", "Blue.", 5, {"size": 1.0},
                                               [Keyframe(0.5, {"size": 2.0})], 3)]),
                audio=ProjectAudio("/music/song.mp3", 1.5, [Drive("size", "loudness", 1.5, 0.2), Drive("noise", "beat")]))
    return json.loads(json.dumps(p.to_dict()))


def test_truncated_at_every_cut_point_is_refused(tmp_path):
    raw = json.dumps(valid_doc(), indent=2, ensure_ascii=False).encode("utf-8")
    end = len(raw.rstrip())
    messages = {refused(tmp_path, raw[:cut]) for cut in range(end)}      # every prefix short of the last brace
    assert all("bad.lstudio is not a valid project" in m for m in messages)


# Where each field lives in valid_doc(), and which JSON values are of a valid type for it.
def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _obj(v):                        # an object may hold unknown keys (newer files): only its type is checked here
    return isinstance(v, dict)


def _sliders(v):
    return isinstance(v, dict) and all(_is_num(x) for x in v.values())


def _size_value(v):                 # a number the size direction takes (in its range)
    from studio.engine.trajectory import check_slider
    try:
        return _is_num(v) and check_slider("size", v) is not None
    except Exception:
        return False


def _objects(v):
    return isinstance(v, list) and all(isinstance(x, dict) for x in v)


FIELDS = {
    ("format",): lambda v: False,
    ("version",): lambda v: False,
    ("model",): lambda v: isinstance(v, str) and bool(v.strip()),     # any model name: it may be installed later
    ("prompt",): lambda v: isinstance(v, str),
    ("seed",): _is_int, ("frames",): _is_int, ("fps",): _is_int,
    ("sliders",): _sliders,
    ("sliders", "size"): _size_value,
    ("keyframes",): _objects,
    ("keyframes", 0): lambda v: False,
    ("keyframes", 0, "time"): _is_num,
    ("keyframes", 0, "sliders"): _sliders,
    ("keyframes", 0, "sliders", "size"): _size_value,
    ("keyframes", 0, "easing"): lambda v: False,
    ("keyframes", 0, "seed"): lambda v: v is None or _is_int(v),
    ("export",): _obj,
    ("export", "format"): lambda v: False, ("export", "size"): lambda v: False,
    ("export", "fit"): lambda v: False, ("export", "scaling"): lambda v: False,
    ("export", "fps"): lambda v: v is None or _is_int(v),
    ("seed_locked",): lambda v: isinstance(v, bool),
    ("loop",): lambda v: isinstance(v, bool),
    ("noise_period",): _is_num,
    ("lesson",): _obj,
    ("lesson", "title"): lambda v: isinstance(v, str),
    ("lesson", "shots"): _objects,
    ("lesson", "shots", 0): lambda v: False,
    ("lesson", "shots", 0, "seconds"): _is_num,
    ("lesson", "shots", 0, "prompt"): lambda v: isinstance(v, str),
    ("lesson", "shots", 0, "caption"): lambda v: isinstance(v, str),
    ("lesson", "shots", 0, "seed"): _is_int,
    ("lesson", "shots", 0, "sliders"): _sliders,
    ("lesson", "shots", 0, "keyframes"): _objects,
    ("lesson", "shots", 0, "line"): _is_int,
    ("audio",): lambda v: v is None or isinstance(v, dict),
    ("audio", "path"): lambda v: isinstance(v, str) and bool(v.strip()),
    ("audio", "offset"): _is_num,
    ("audio", "drives"): _objects,
    ("audio", "drives", 0): lambda v: False,
    ("audio", "drives", 0, "direction"): lambda v: isinstance(v, str) and bool(v.strip()),
    ("audio", "drives", 0, "feature"): lambda v: v in FEATURES,
    ("audio", "drives", 0, "amount"): _size_value,
    ("audio", "drives", 0, "smoothing"): lambda v: _is_num(v) and 0 <= v <= 10,
}

json_scalars = (st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.text(max_size=20)
                | st.floats(allow_nan=False, allow_infinity=False))
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=6)


def _set(doc: dict, where: tuple, value) -> dict:
    target = doc
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    return doc


@SETTINGS
@given(st.sampled_from(sorted(FIELDS, key=str)), json_values)
def test_wrong_types_for_every_field_are_refused(tmp_path, where, value):
    assume(not FIELDS[where](value))
    refused(tmp_path, json.dumps(_set(valid_doc(), where, value)))


NUMBERS = [("sliders", "size"), ("keyframes", 0, "sliders", "size"), ("keyframes", 0, "time"),
           ("lesson", "shots", 0, "sliders", "size"), ("lesson", "shots", 0, "seconds"),
           ("lesson", "shots", 0, "keyframes", 0, "time"), ("noise_period",), ("seed",),
           ("frames",), ("fps",), ("export", "fps"), ("keyframes", 0, "seed"), ("audio", "offset"),
           ("audio", "drives", 0, "amount"), ("audio", "drives", 0, "smoothing")]


@pytest.mark.parametrize("where", NUMBERS)
@pytest.mark.parametrize("number", ["1e300", "-1e300", "1e400", "-1e400", "NaN", "Infinity", "-Infinity",
                                    str(10**400), str(-10**30)])
def test_huge_numbers_are_refused(tmp_path, where, number):
    doc = _set(valid_doc(), where, "@@")
    refused(tmp_path, json.dumps(doc).replace('"@@"', number))


@SETTINGS
@given(st.text(max_size=20).filter(lambda e: e not in EASINGS))
def test_unknown_easing_is_refused(tmp_path, easing):
    message = refused(tmp_path, json.dumps(_set(valid_doc(), ("keyframes", 1, "easing"), easing)))
    assert "easing" in message


@pytest.mark.parametrize("version", [0, 4, 99, -1, 10**30, 1.0, "2", None, True])
def test_unknown_versions_are_refused(tmp_path, version):
    message = refused(tmp_path, json.dumps(_set(valid_doc(), ("version",), version)))
    assert "version" in message
    if version == 99:
        assert "newer Latent Studio" in message


@pytest.mark.parametrize("content", [b"", b"\xff\xfe\x00", b"null", b"[]", b"42", b'"text"', b"[" * 100000,
                                     b'{"format": "latent-studio-project", "version": 2, "model": "\\ud800"}',
                                     b'{"format": "latent-studio-project", "version": 2, "model": "m", "prompt": "'
                                     + b"\\ud83d" + b'"}'])
def test_odd_files_are_refused(tmp_path, content):
    refused(tmp_path, content)


@SETTINGS
@given(json_values)
def test_arbitrary_json_never_escapes_as_another_exception(tmp_path, value):
    doc = {"format": "latent-studio-project", "version": 2, "model": "m", "keyframes": value}
    path = tmp_path / "any.lstudio"
    path.write_text(json.dumps(doc))
    try:
        p = Project.load(path)
    except StudioError as e:
        assert "\n" not in str(e)
    else:
        assert all(math.isfinite(k.time) for k in p.keyframes)
