import numpy as np

from studio.engine.analyze import read_clip
from studio.engine.world import Attributes, is_held_out, render_clip, sample
from studio.engine.world.attributes import GROUPS
from studio.engine.world.sampler import random_attributes


def test_render_is_deterministic_and_any_length():
    a = Attributes("red", "star", "large", "orbiting", "fast", "sunset")
    c1, t1 = render_clip(a, 4, 16)
    c2, _ = render_clip(a, 4, 16)
    assert c1.shape == (16, 64, 64, 3) and c1.dtype == np.uint8
    assert np.array_equal(c1, c2)
    assert not np.array_equal(c1, render_clip(a, 5, 16)[0])
    long, _ = render_clip(a, 4, 300)
    assert long.shape[0] == 300 and np.array_equal(long[:16], c1)


def test_sampler_never_yields_held_out_or_white_on_white():
    for s in range(3000):
        a = random_attributes(np.random.default_rng(s))
        assert not is_held_out(a)
        assert not (a.color == "white" and a.background == "white")


def test_examples_have_labels_and_varied_captions():
    exs = [sample(s) for s in range(200)]
    assert len({e.caption for e in exs}) == 200
    templates = {e.caption.split()[0] for e in exs}
    assert len(templates) >= 5
    for e in exs[:20]:
        assert e.clip.shape == (16, 64, 64, 3)
        assert set(e.attributes.as_dict()) == set(GROUPS)


def test_analyzer_reads_the_renderer():
    rng = np.random.default_rng(1)
    wrong = 0
    for i in range(120):
        a = random_attributes(rng, allow_held_out=True, size=["medium", "large"][i % 2])
        r = read_clip(render_clip(a, i)[0])
        for g in ("color", "shape", "motion", "background"):
            wrong += getattr(r, g) != getattr(a, g)
        if a.motion not in ("growing", "shrinking"):
            wrong += r.size != a.size
        if a.motion != "still":
            wrong += r.speed != a.speed
    assert wrong <= 3
