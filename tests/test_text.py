import re

import numpy as np

from studio.engine.text.encoder import default_encoder
from studio.engine.text.parser import PromptParser
from studio.engine.text.vocabulary import VOCAB
from studio.engine.world import captions as C
from studio.engine.world import paraphrases as P
from studio.engine.world import sample
from studio.engine.world.attributes import Attributes


def test_training_captions_parse_to_their_labels():
    p = PromptParser()
    for s in range(300):
        e = sample(s)
        got = p.parse(e.caption).values
        want = e.attributes.as_dict()
        if e.attributes.motion == "still":
            got.pop("speed"), want.pop("speed")
        assert got == want, e.caption


def test_encoder_loads_once_and_caches():
    enc = default_encoder()
    assert default_encoder() is enc
    a = enc.encode(["a red circle"])
    b = enc.encode(["a red circle"])
    assert a.shape == (1, 384) and np.allclose(np.linalg.norm(a, axis=1), 1, atol=1e-4)
    assert a is not b and np.array_equal(a, b)
    assert enc._model is not None


def test_unknown_words_are_reported():
    r = PromptParser().parse("a cat playing a piano")
    assert set(r.unknown) == {"cat", "playing", "piano"}
    r = PromptParser().parse("a red circle moving left on a black background")
    assert r.unknown == []
    assert r.values["color"] == "red" and r.values["background"] == "black" and r.values["motion"] == "left"


def _training_words() -> set:
    words = set()
    tables = [C.COLOR_WORDS, C.SHAPE_WORDS, C.SIZE_WORDS, C.SPEED_WORDS, C.MOTION_PHRASES, C.BACKGROUND_PHRASES,
              C.BACKGROUND_WORDS]
    for t in tables:
        for phrases in t.values():
            for ph in phrases:
                words |= set(re.findall(r"[a-z]+", ph.lower()))
    for t in C.TEMPLATES:
        words |= set(re.findall(r"[a-z]+", re.sub(r"\{[a-z_]+\}", " ", t).lower()))
    return words


def test_paraphrase_words_are_not_training_words():
    train = _training_words()
    for table in (P.COLOR, P.SHAPE, P.SIZE, P.SPEED, P.MOTION):
        for phrases in table.values():
            for ph in phrases:
                # each paraphrase carries at least one word that training never used
                assert set(re.findall(r"[a-z]+", ph.lower())) - train, ph


def test_paraphrased_prompts_cannot_come_out_of_the_caption_generator():
    train = _training_words()
    rng = np.random.default_rng(0)
    for i in range(300):
        a = Attributes("red", "star", "large", ["left", "still", "orbiting"][i % 3], "fast", "night")
        prompt = P.paraphrase(a, rng)
        assert set(re.findall(r"[a-z]+", prompt.lower())) - train, prompt
    assert "crimson" not in VOCAB


def test_words_outside_the_vocabulary_are_understood():
    p = PromptParser()
    r = p.parse("a crimson pentagram hopping in front of a nighttime backdrop")
    assert r.values["color"] == "red" and r.values["shape"] == "star"
    assert r.values["motion"] == "bouncing" and r.values["background"] == "night"
    assert r.unknown == []
    statuses = {w.word: w.status for w in r.words}
    assert statuses["crimson"] == "matched" and statuses["a"] == "stop"
    r = p.parse("an emerald disc descending swiftly on a silver backdrop")
    assert (r.values["color"], r.values["shape"], r.values["motion"], r.values["speed"], r.values["background"]) == \
        ("green", "circle", "down", "fast", "gray")
