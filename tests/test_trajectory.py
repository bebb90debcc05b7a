"""The latent timeline's math (studio/engine/trajectory.py): the binding semantics of DESIGN.md."""
import math

import numpy as np
import pytest

from studio.basics.errors import StudioError
from studio.engine.trajectory import (Key, TimelineSpec, check_slider, ease, noise_offsets, seed_track, slerp,
                                      slider_tracks)


def spec(keys, frames=17, fps=8, sliders=None, loop=False, seed=0):
    return TimelineSpec(frames, fps, sliders or {}, keys, loop, seed)


def test_linear_between_keys_and_holds_outside():
    s = spec([Key(0.5, {"size": -1.0}), Key(1.5, {"size": 1.0})])
    v = slider_tracks(s)["size"]
    assert v[0] == v[4] == -1.0                      # before the first key (t=0.5 is frame 4)
    assert v[8] == pytest.approx(0.0)                # halfway, t=1.0
    assert v[12] == 1.0 and v[16] == 1.0             # at and after the last key


@pytest.mark.parametrize("easing,mid", [("linear", 0.5), ("ease-in", 0.25), ("ease-out", 0.75),
                                        ("ease-in-out", 0.5), ("hold", 0.0)])
def test_the_earlier_keys_easing_shapes_the_segment(easing, mid):
    s = spec([Key(0.0, {"size": 0.0}, easing), Key(2.0, {"size": 1.0}, "hold")])
    v = slider_tracks(s)["size"]
    assert v[8] == pytest.approx(mid)                # t = 1.0, halfway
    assert v[16] == 1.0                              # hold keeps the earlier value until the next key
    if easing == "hold":
        assert np.all(v[:16] == 0.0)


def test_ease_in_out_is_monotone_and_smooth_at_the_ends():
    u = np.linspace(0, 1, 101)
    f = ease(u, "ease-in-out")
    assert np.all(np.diff(f) >= 0) and f[0] == 0 and f[-1] == 1
    assert f[1] < 0.001 and 1 - f[-2] < 0.001


def test_unnamed_directions_keep_the_base_and_partial_ones_use_their_own_keys():
    s = spec([Key(0.0, {"size": 0.0}), Key(1.0, {"size": 2.0, "speed": 1.0}), Key(2.0, {"size": 0.0, "speed": 3.0})],
             sliders={"color-red": 0.7, "speed": -5.0})
    t = slider_tracks(s)
    assert np.all(t["color-red"] == 0.7)
    assert t["speed"][0] == 1.0 and t["speed"][8] == 1.0     # before its first key: its first key's value
    assert t["speed"][12] == pytest.approx(2.0)
    assert t["size"][4] == pytest.approx(1.0)


def test_loop_travels_from_the_last_key_back_to_the_first():
    # 16 frames at 8 fps: the loop is 2 s long; last key at 1 s, first at 0 s
    s = spec([Key(0.0, {"size": 0.0}), Key(1.0, {"size": 2.0})], frames=16, loop=True)
    v = slider_tracks(s)["size"]
    assert v[8] == 2.0
    assert v[12] == pytest.approx(1.0)               # halfway from the last key back to the first
    assert v[15] == pytest.approx(0.25)              # one step before closing the circle
    nl = spec([Key(0.0, {"size": 0.0}), Key(1.0, {"size": 2.0})], frames=16)
    assert slider_tracks(nl)["size"][15] == 2.0


def test_keys_given_out_of_order_are_sorted_by_time():
    a = slider_tracks(spec([Key(1.0, {"size": 1.0}), Key(0.0, {"size": -1.0})]))["size"]
    b = slider_tracks(spec([Key(0.0, {"size": -1.0}), Key(1.0, {"size": 1.0})]))["size"]
    assert np.array_equal(a, b)


def test_seed_track_and_slerp():
    s = spec([Key(0.0, {}, seed=3), Key(2.0, {}, seed=9)])
    a, b, u = seed_track(s)
    assert a[0] == 3 and b[0] == 9 and u[0] == 0 and u[8] == pytest.approx(0.5) and u[16] == 0
    assert a[16] == 9                                # after the last key its seed holds
    a0, b0, _ = seed_track(spec([], seed=5))
    assert set(a0) == {5} and set(b0) == {5}
    x, y = np.array([[1.0, 0.0]]), np.array([[0.0, 2.0]])
    mid = slerp(x, y, np.array([0.5]))[0]
    assert np.linalg.norm(mid) == pytest.approx(1.5)
    assert math.degrees(math.atan2(mid[1], mid[0])) == pytest.approx(45.0)
    assert np.allclose(slerp(x, y, np.array([0.0])), x) and np.allclose(slerp(x, y, np.array([1.0])), y)


def test_noise_loop_is_periodic_and_keyframable():
    basis = np.eye(4, 6)
    s = spec([], frames=48, fps=8, seed=2)
    s.noise_period = 2.0                              # 16 frames a turn
    off = noise_offsets(s, basis, np.full(48, 1.0))
    assert np.allclose(off[0], off[16]) and np.allclose(off[5], off[37])
    assert not np.allclose(off[0], off[8])
    assert np.sqrt((off ** 2).sum(1)).mean() == pytest.approx(1.0, rel=0.35)
    ramp = noise_offsets(s, basis, np.linspace(0, 1, 48))
    assert np.allclose(ramp[0], 0)
    loop = spec([], frames=40, fps=8, loop=True)     # 5 s loop, 2 s period: adjusted to 2.5 s
    loop.noise_period = 2.0
    off = noise_offsets(loop, basis, np.ones(40))
    nxt = noise_offsets(spec([], frames=41, fps=8, loop=False), basis, np.ones(41))
    assert np.allclose(off[0], noise_offsets(loop, basis, np.ones(40))[0])
    assert np.allclose(off[20], off[0])              # two turns in the loop: half way round is a full turn
    assert nxt.shape == (41, 6)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 1e9, -1e300, 5.5, "big", 10**400, -10**400, None])
def test_values_the_model_cannot_honour_are_refused(value):
    with pytest.raises(StudioError, match="size") as e:
        check_slider("size", value)
    assert len(str(e.value)) < 120                    # one readable sentence, even for a 400-digit number


def test_values_in_range_pass():
    assert check_slider("size", -5) == -5.0 and check_slider("noise", 0.5) == 0.5
