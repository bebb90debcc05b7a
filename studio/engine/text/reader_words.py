"""The prompt reader's training words: many ways to say each value of the shapes world.

Everything here is what the reader is trained on. Two lists are kept apart from it on purpose:
`studio eval`'s paraphrases (`world/paraphrases.py`: only the words in `EVAL_WORDS_ALLOWED` are
shared, the everyday nouns issue 18 names) and the reader's own held-out list
(`scripts/make_reader_heldout.py`), whose words appear nowhere here. `tests/test_prompt_reader.py`
checks both.

Phrases are lower case; the caption generator tags every word of a phrase with the phrase's value,
except the words in `FILLERS`.
"""
from __future__ import annotations

from functools import lru_cache

FILLERS = frozenset("a an the to of in on at and is it its with from into by".split())

COLOR = {
    "red": ["red", "reddish", "cherry", "cherry red", "tomato", "tomato red", "blood red", "fire red", "strawberry",
            "maroon", "brick red", "bright red"],
    "orange": ["orange", "orangey", "orangish", "pumpkin", "carrot", "carrot orange", "marigold", "copper",
               "bright orange", "traffic-cone orange"],
    "yellow": ["yellow", "yellowish", "banana", "banana yellow", "sunflower", "mustard", "gold", "butter yellow",
               "bright yellow", "sunshine yellow"],
    "green": ["green", "greenish", "grass green", "grassy", "leafy green", "mint", "forest green", "olive",
              "bright green", "kiwi"],
    "cyan": ["cyan", "teal", "blue-green", "greenish blue", "bright cyan", "peacock", "sea blue", "light teal"],
    "blue": ["blue", "bluish", "navy", "royal blue", "ocean blue", "denim", "indigo", "bright blue", "deep blue",
             "cornflower"],
    "purple": ["purple", "violet", "purplish", "grape", "mauve", "amethyst", "deep purple", "orchid"],
    "pink": ["pink", "pinkish", "hot pink", "salmon", "blush", "flamingo", "magenta", "bubble pink", "baby pink"],
    "white": ["white", "whitish", "pearl", "pearly", "chalk", "chalky", "cream", "off-white", "bright white",
              "paper white", "whiteness", "light", "bright", "plain white paper"],
}
# colour words of the world that no background has: said of a background they are outside the world
COLOR_ONLY_WORDS = {v: [p for p in ps if " " not in p] for v, ps in COLOR.items() if v not in ("white",)}

SHAPE = {
    "circle": ["circle", "dot", "disk", "disc", "ball", "round shape", "bubble", "coin", "sphere", "marble", "spot",
               "round thing", "ring", "circular shape", "balloon", "wheel", "button", "pea", "moon", "plate", "cookie", "donut", "oval", "hoop", "planet", "pebble", "puck", "lens", "bowling ball", "tennis ball", "beach ball", "polka dot", "round", "roundish shape"],
    "square": ["square", "box", "block", "cube", "tile", "crate", "four-sided shape", "square shape", "brick",
               "boxy shape", "cuboid", "chunk", "window", "napkin", "cracker", "sugar cube", "gift box", "parcel", "package", "rectangle", "cushion", "stamp", "building block", "lego brick", "box shape", "four-cornered shape"],
    "triangle": ["triangle", "three-sided shape", "triangular shape", "arrowhead", "cone", "triangle shape",
                 "three-cornered shape", "tent shape", "delta", "tent", "shark fin", "prism", "spike", "arrow", "pennant", "nacho", "sail", "roof shape", "triangular thing", "slice of pie", "traffic triangle", "triangular"],
    "star": ["star", "star shape", "starfish", "five-pointed star", "five-point star", "twinkle star", "sheriff star",
             "starry shape", "little star shape", "twinkling star", "christmas star", "star sticker", "spiky star", "sea star", "star-shaped thing", "stellar shape", "pointy star", "twinkly shape", "five-armed shape"],
}
# nouns for an object whose shape is left open
GENERIC_NOUNS = ["shape", "thing", "object", "something", "figure", "item", "form"]

SIZE = {
    "small": ["small", "tiny", "little", "wee", "smallish", "itty-bitty", "mini", "very small", "baby", "compact", "micro", "dinky", "puny", "pocket-size"],
    "medium": ["medium", "medium-sized", "mid-sized", "normal size", "normal-sized", "middling", "medium size", "mid-size", "standard-sized", "middle-sized", "medium-size", "not too big", "in-between size"],
    "large": ["large", "big", "huge", "jumbo", "oversized", "hefty", "whopping", "very big", "really large", "mega", "great big", "extra large", "bulky", "mammoth", "monster-sized", "titanic", "vast", "super big", "humongous"],
}

SPEED = {
    "slow": ["slowly", "slow", "gently", "gradually", "calmly", "at a crawl", "taking its time", "unhurriedly",
             "very slowly", "at a slow pace", "steadily", "sedately", "softly", "carefully", "in slow motion", "unhurried", "crawling along", "slowish"],
    "fast": ["fast", "quickly", "rapidly", "in a hurry", "at high speed", "hurriedly", "very fast", "at full speed",
             "like lightning", "at a fast pace", "speedy", "quick", "quickly and suddenly", "rapid", "zippy", "in a rush", "at top speed", "furiously", "energetically", "at breakneck speed"],
}

# -ing phrases: "a ball {moving left}"; FINITE: "a ball {moves left}"; ADJECTIVE: "a {bouncing} ball"
MOTION = {
    "left": ["moving left", "going to the left", "sliding left", "sliding to the left", "travelling west",
             "heading west", "drifting to the left", "off to the left", "panning left", "shifting left",
             "scooting left", "crossing from right to left", "moving towards the left", "going west", "going left",
             "floating left", "heading left", "retreating left", "sailing left", "rolling left", "walking left", "running left", "racing to the left", "cruising left", "zipping left", "traveling left", "going towards the west", "sweeping left", "flowing left", "wandering left"],
    "right": ["moving right", "going to the right", "sliding right", "sliding to the right", "travelling east",
              "heading east", "drifting to the right", "off to the right", "panning right", "shifting right",
              "scooting right", "crossing from left to right", "moving towards the right", "going east",
              "going right", "floating right", "heading right", "advancing right", "sailing right", "rolling right", "walking right", "running right", "racing to the right", "cruising right", "zipping right", "traveling right", "going towards the east", "sweeping right", "flowing right", "wandering right"],
    "up": ["moving up", "rising", "going up", "flying up", "soaring", "heading north", "lifting off", "going north",
           "floating up", "drifting up", "rising to the top", "moving towards the top", "going upwards", "lifting up",
           "taking off", "lifting", "flying upwards", "rocketing up", "shooting up", "launching up", "bubbling up", "zooming up", "moving higher", "going higher", "mounting", "rising up", "raising itself"],
    "down": ["moving down", "falling", "sinking", "going down", "heading south", "tumbling down", "diving",
             "coming down", "slipping down", "falling to the bottom", "moving towards the bottom", "going south",
             "drifting down", "floating down", "going downwards", "falling down", "going lower", "sinking down", "slumping", "sliding down", "crashing down", "raining down", "settling down", "moving lower", "tumbling", "toppling", "diving down", "plopping down"],
    "bouncing": ["bouncing", "bouncing up and down", "jumping", "bouncing around", "bobbing up and down",
                 "springing up and down", "jumping up and down", "boinging", "pogoing", "bouncing along",
                 "jumping around", "bouncing like a ball", "bouncy", "bobbing", "springing", "trampolining", "jouncing", "dribbling", "vaulting", "jumpy", "bouncing off the floor", "up and down"],
    "orbiting": ["orbiting", "circling the centre", "going around in a circle", "going round and round",
                 "travelling in a circle", "circling", "going in circles", "moving in a circle", "doing laps",
                 "orbiting the middle", "circling around the middle", "spinning around the centre",
                 "going around and around", "moving round and round", "circling round", "going round", "doing circles", "spinning around", "swirling around", "twirling around", "travelling around the middle", "going in a ring", "circumnavigating", "on a circular path", "round and round", "cycling around", "wheeling around"],
    "growing": ["growing", "getting bigger", "inflating", "getting larger", "scaling up", "puffing up", "ballooning",
                "growing bigger", "zooming in", "blowing up", "becoming bigger", "increasing in size", "gaining size", "bulging", "getting huge", "blooming", "magnifying", "stretching out", "sizing up", "puffing out"],
    "shrinking": ["shrinking", "getting smaller", "deflating", "scaling down", "getting tinier", "zooming out",
                  "withering", "becoming smaller", "shrinking away", "getting little", "decreasing in size", "losing size", "fading to a dot", "receding", "collapsing", "squeezing down", "waning", "getting tiny", "minimizing"],
    "still": ["staying still", "not moving", "sitting still", "standing still", "resting", "parked", "static",
              "not going anywhere", "holding still", "at rest", "idle", "unmoving", "staying put", "not moving at all",
              "keeping still", "doing nothing", "without moving", "perfectly still", "holding position", "fixed", "paused", "halted", "stopped", "steady", "unmoved", "waiting", "at a standstill", "staying on the spot", "not budging", "sitting there"],
}
MOTION_FINITE = {
    "left": ["moves left", "goes left", "slides to the left", "heads west", "drifts left"],
    "right": ["moves right", "goes right", "slides to the right", "heads east", "drifts right"],
    "up": ["moves up", "goes up", "rises", "flies up", "floats up"],
    "down": ["moves down", "goes down", "falls", "sinks", "drops down"],
    "bouncing": ["bounces", "jumps", "bounces up and down", "jumps around"],
    "orbiting": ["orbits", "circles the centre", "goes round and round", "goes around in a circle", "circles"],
    "growing": ["grows", "gets bigger", "inflates", "grows larger"],
    "shrinking": ["shrinks", "gets smaller", "deflates", "shrinks away"],
    "still": ["stays still", "does not move", "doesn't move", "sits still", "stands still", "never moves"],
}
MOTION_ADJECTIVE = {
    "left": ["left-moving", "westbound"], "right": ["right-moving", "eastbound"],
    "up": ["rising", "upgoing", "flying"], "down": ["falling", "sinking", "tumbling"],
    "bouncing": ["bouncing", "bouncy", "jumping", "springy"], "orbiting": ["orbiting", "circling"],
    "growing": ["growing", "inflating", "ballooning"],
    "shrinking": ["shrinking", "deflating"], "still": ["still", "static", "resting", "unmoving"],
}
MOVE_VERBS = ["moving", "going", "travelling", "sliding", "drifting", "floating"]

BACKGROUND = {          # phrases naming the background, each with the noun it may take
    "black": ["black", "dark", "all black", "plain black", "inky", "coal", "darkness", "blackness", "black space", "outer space", "dark room", "shadow"],
    "white": ["white", "plain white", "bright white", "paper white", "all white", "chalk white"],
    "gray": ["gray", "grey", "grayish", "greyish", "concrete", "stone gray", "dull grey", "overcast", "concrete", "stone", "fog", "foggy", "smoky", "cloudy grey", "pewter", "steel grey", "dull"],
    "night": ["night", "night sky", "dark night", "starry night", "night-time sky", "moonlit sky", "dark blue night",
              "starry sky", "late night", "moonlight", "after dark", "dark night sky", "night time"],
    "sky": ["sky", "blue sky", "daytime sky", "sunny sky", "summer sky", "bright sky", "blue", "daylight sky",
            "light blue", "sunny day", "clear sky", "afternoon sky", "bright day", "daylight", "summer day", "morning sky"],
    "sunset": ["sunset", "evening sunset", "evening sky", "setting sun", "purple and orange sunset", "sunset sky",
               "orange evening", "sun going down", "sunrise", "evening glow", "orange and purple sky", "end of the day"],
}
BACKGROUND_NOUNS = ["background", "scene", "setting", "canvas", "field", "wall"]
BACKGROUND_PREPOSITIONS = ["on", "against", "in front of", "over", "on top of", "across", "set against", "under"]
# phrases that are complete with their own noun: "under a starry sky"
BACKGROUND_SELF_NOUN = {"sky", "night", "sunset", "evening", "sun", "night-time", "starry"}

# words outside the shapes world: they keep their plain sentence (tagged "out")
OUTSIDE = ["cat", "dog", "piano", "dragon", "tree", "car", "rocket", "hat", "castle", "robot", "flower", "guitar",
           "unicorn", "house", "river", "wizard", "elephant", "bicycle", "mountain", "spaceship", "teapot",
           "laptop", "banana peel", "sunglasses", "clouds", "rainbow", "snowman", "glitter", "shiny", "sparkly",
           "happy", "sad", "cute", "angry", "wooden", "metal", "glass", "furry", "fluffy", "beautiful", "realistic",
           "cinematic", "4k", "detailed", "cartoon", "smiling", "singing", "dancing", "playing", "reading", "eating",
           "sleeping", "laughing", "wearing", "holding", "park", "beach", "forest", "city", "ocean", "kitchen"]
# subjects and actions outside the shapes world, said where a shape or a motion would be ("a cat chasing
# a mouse"): tagged "out", the shape or the motion stays open
OUTSIDE_SUBJECTS = ["cat", "dog", "horse", "bird", "fish", "mouse", "puppy", "kitten", "person", "man", "woman",
                    "child", "girl", "boy", "baby", "teacher", "car", "train", "plane", "boat", "truck", "bus",
                    "tree", "house", "robot", "dragon", "monster", "ghost", "princess", "knight", "pirate",
                    "dinosaur", "butterfly", "bee", "spider", "frog", "turtle", "lion", "tiger", "bear", "penguin",
                    "duck", "owl", "unicorn", "wizard", "elephant", "giraffe", "monkey", "snake", "shark"]
OUTSIDE_ACTIONS = ["chasing a mouse", "eating an apple", "sleeping", "reading a book", "playing chess",
                   "singing a song", "talking", "laughing", "crying", "smiling", "waving hello", "barking",
                   "meowing", "cooking dinner", "painting a portrait", "writing a letter", "drinking tea",
                   "thinking", "watching tv", "building a house", "fighting a dragon", "hugging a friend",
                   "playing the guitar", "telling a story", "doing homework", "taking a photo"]
OUTSIDE_PHRASES = ["with a cat", "in the park", "wearing a hat", "near a tree", "made of glass",
                   "playing a piano", "next to a dog", "in a kitchen", "with sunglasses", "for my friend",
                   "in the style of a cartoon", "cinematic", "highly detailed", "in 4k", "very beautiful", "cute",
                   "at the beach", "with a smiling face", "holding a flower", "happily", "sadly", "proudly",
                   "like a dancer", "with glitter", "by a river",
                   "and then a pause", "and that is all", "so pretty", "for a while", "only", "just once", "again",
                   "here", "now", "and then nothing", "really", "very nice", "if possible", "thanks", "please",
                   "for a moment", "all alone", "by itself", "as usual", "under a table"]
FRAMES = ["", "", "", "", "draw", "show", "show me", "make", "generate", "create", "render", "i want", "i'd like",
          "give me", "please make", "a video of", "a clip of", "an animation of", "animate", "a scene with",
          "let's see", "can you make", "here is", "we see", "film of"]
# verbs before a motion ("that carries on rolling left"): they say nothing of the motion, though the
# definitions of some ("remains", "stays") sound like staying still (CaptionConfig.p_auxiliary)
AUXILIARIES = ["continues", "goes on", "carries on", "starts", "begins", "never stops", "won't stop", "can't stop",
               "is busy", "remains", "stays", "ends up", "tries", "loves", "likes", "spends the clip", "is shown",
               "is seen", "is caught", "is always", "happens to be", "seems to be", "appears to be", "is forever"]

# studio eval's paraphrase words that the reader may also train on: the everyday nouns issue 18 names,
# and structure words no value depends on
EVAL_WORDS_ALLOWED = frozenset("""a an the in is it of that with around black white dark clear daytime middle center
shape sized round three sided five pointed heading drifting floating open pure blank place ball disc block tile
cube""".split())

# colour names the reader never trains on: studio eval's and the held-out list's (scripts/make_reader_heldout.py)
HELD_BACK_COLORS = frozenset("""crimson scarlet ruby cardinal carmine garnet tangerine amber apricot saffron mandarin
persimmon golden lemon canary daffodil buttercup dandelion emerald lime jade shamrock clover turquoise aqua aquamarine
lagoon azure cobalt sapphire ultramarine lavender lilac plum eggplant rose rosy fuchsia bubblegum snowy ivory milky
alabaster""".split())


@lru_cache(maxsize=2)
def lexicon(split: str = "train") -> dict[str, dict[str, list[str]]]:
    """The WordNet and colour-survey words (`reader_lexicon.json`, `scripts/build_reader_lexicon.py`):
    "train" words are trained on; "dev" words only tune the recipe."""
    import json
    from pathlib import Path
    return json.loads((Path(__file__).with_name("reader_lexicon.json")).read_text(encoding="utf-8"))[split]


def too_close(phrase: str, words: set, prefixes: set, known: set) -> bool:
    """One of `words` is in the phrase, or a word not in `known` shares its first five letters with
    one of them (`prefixes`): "vermillion" for "vermilion"."""
    import re
    return any(w in words or (w not in known and len(w) >= 5 and w[:5] in prefixes)
               for w in re.findall(r"[a-z]+", phrase))


def too_close_to_held_out(phrase: str) -> bool:
    """`too_close` to a word of studio eval or either held-out list (the lexicon's "held_out" block);
    `known` are the hand-written banks' words."""
    held = lexicon("held_out")
    return too_close(phrase, set(held["words"]), set(held["prefixes"]), set(held["known"]))


@lru_cache(maxsize=2)
def survey_colors(filtered: bool = False) -> dict[str, list[str]]:
    """More colour names per value, from the XKCD colour survey (shipped in matplotlib): each name goes
    to the palette colour of nearest hue (white when pale and light); greys, browns and dark names are
    left out, and so are names holding a held-back word (and, `filtered`, names too close to a word of
    studio eval or the held-out lists: `too_close_to_held_out`)."""
    import colorsys
    import re

    from matplotlib import colors as mc

    from ..world.attributes import COLORS
    hues = {k: colorsys.rgb_to_hsv(*(c / 255 for c in v))[0] for k, v in COLORS.items() if k != "white"}
    out: dict[str, list[str]] = {k: [] for k in COLORS}
    hand = {p for ps in COLOR.values() for p in ps}
    shape_words = {w for ps in SHAPE.values() for p in ps for w in re.findall(r"[a-z]+", p)}
    from ..world import paraphrases as P
    held_back = {w for t in (P.COLOR, P.SHAPE, P.SIZE, P.SPEED, P.MOTION, P.BACKGROUND) for ps in t.values()
                 for p in ps for w in re.findall(r"[a-z]+", p)} - EVAL_WORDS_ALLOWED
    for name, hexa in sorted(mc.XKCD_COLORS.items()):
        name = name[len("xkcd:"):]
        words = re.findall(r"[a-z]+", name)
        if not words or set(words) & HELD_BACK_COLORS or "/" in name or len(words) > 3:
            continue
        if set(words) & (DULL | held_back | shape_words) or name in hand or (filtered and too_close_to_held_out(name)):
            continue
        h, s, v = colorsys.rgb_to_hsv(*mc.to_rgb(hexa))
        if s < 0.12 and v > 0.9:
            value = "white"
        elif s >= 0.4 and v >= 0.45:
            value = min(hues, key=lambda k: min(abs(hues[k] - h), 1 - abs(hues[k] - h)))
        else:
            continue
        named = [BASIC[w] for w in words if w in BASIC]
        if (named and named[-1] == value) or (not named and len(words) == 1 and s >= 0.5 and v >= 0.7):
            out[value].append(name)                  # a name that says its colour says the same one
    return out


BASIC = {"red": "red", "orange": "orange", "yellow": "yellow", "green": "green", "cyan": "cyan", "teal": "cyan",
         "blue": "blue", "purple": "purple", "violet": "purple", "pink": "pink", "magenta": "pink", "white": "white"}
DULL = frozenset("brown brownish grey gray black olive khaki tan beige taupe mud muddy dirt dirty poo puke vomit "
                 "dark darkish burnt dusty dusky dull faded greyish grayish sky sea ocean earth desert camo drab poop bile "
                 "diarrhea booger barney bruise liliac ugly sick baby leaf night".split())


MORE_PER_COLOUR = 250
MORE_SEED = 1111
PROBES = ("reader_tuning_v4.jsonl", "reader_tuning_v5.jsonl")     # data/: the tuning probes' never-seen words


def _probe_and_bank_words() -> tuple[set, set]:
    """The tuning probes' words (data/, `PROBES`), and every word of the hand-written banks, the lexicon and the other
    caption lists, with the function words, dull colour names and held-back colours."""
    import json
    import re
    from pathlib import Path
    word = re.compile(r"[a-z]+")
    data = Path(__file__).resolve().parents[3] / "data"
    probe = set()
    for name in PROBES:
        if (data / name).exists():
            for line in (data / name).read_text(encoding="utf-8").splitlines():
                if line:
                    probe |= {w for p in json.loads(line)["phrases"].values() for w in word.findall(p)}
    other = set(FILLERS) | DULL | HELD_BACK_COLORS
    for bank in (COLOR, SHAPE, SIZE, SPEED, MOTION, MOTION_FINITE, MOTION_ADJECTIVE, BACKGROUND):
        other |= {w for ps in bank.values() for p in ps for w in word.findall(p)}
    for split in ("train", "dev"):
        other |= {w for vals in lexicon(split).values() for ps in vals.values() for p in ps for w in word.findall(p)}
    for lst in (GENERIC_NOUNS, BACKGROUND_NOUNS, BACKGROUND_PREPOSITIONS, OUTSIDE, OUTSIDE_SUBJECTS, OUTSIDE_ACTIONS,
                OUTSIDE_PHRASES, FRAMES, MOVE_VERBS, AUXILIARIES):
        other |= {w for p in lst for w in word.findall(p)}
    return probe, other


def _sample(found: dict, seed: int, per_value: int) -> dict[str, list[str]]:
    import numpy as np
    rng = np.random.default_rng(seed)
    return {v: sorted(rng.permutation(ws)[:per_value].tolist()) for v, ws in sorted(found.items())}


def _says_a_motion(w: str) -> bool:
    """A word that reads as a motion rather than a thing: a verb form ("sprouted", "enduring") or one whose
    definitions name a motion in plain words ("orbital", "leapfrog"). Left out of the `plain` more lists."""
    from .parser import said_by_definitions
    return w.endswith(("ing", "ed")) or said_by_definitions(w, "motion") is not None


@lru_cache(maxsize=2)
def more_colours(plain: bool = False) -> dict[str, list[str]]:
    """Session 11: colour names that only the larger lists have (`colour_table.json` "more": Wikipedia's colour
    pages and meodai's color-names, many of them everyday nouns: "lichen", "shrimp", "frost"), each under the palette
    colour its sRGB is named by (`color_names.palette_color`), for captions that say a colour with a word the
    XKCD survey and CSS lack. With `plain` (session 12), also every word that reads as a motion (`_says_a_motion`):
    taught as a colour, "overtake" or "orbital" would pull the reader's motion words towards the colour. Left out: every word too close to a word of a test list or of studio eval
    (`too_close_to_held_out`), the tuning probes' words (so that they stay never seen), every word of the other
    banks and lists, the dull names (`DULL`), and words WordNet lacks (mostly given names and places). At most
    `MORE_PER_COLOUR` per colour, a seeded sample (the pale names are a third of the lists, all "white")."""
    from .color_names import _table, palette_color
    from .glosses import gloss
    probe, other = _probe_and_bank_words()
    out: dict[str, list[str]] = {}
    for w in sorted(_table()["more"]):
        if w in other or w in probe or len(w) < 3 or palette_color(w) is not None or not gloss(w) \
                or too_close_to_held_out(w) or (plain and _says_a_motion(w)):
            continue
        value = palette_color(w, more=True)
        if value is not None:
            out.setdefault(value, []).append(w)
    return _sample(out, MORE_SEED, MORE_PER_COLOUR)


@lru_cache(maxsize=2)
def more_shapes(plain: bool = False) -> dict[str, list[str]]:
    """Session 11: WordNet nouns whose first definitions name one shape in plain words (`parser.said_by_definitions`:
    "bagel", "doughnut-shaped", a circle), for captions that name the object with an everyday noun the hand-written
    banks lack. Left out as in `more_colours` (with `plain`, also words that read as a motion), and any word a
    colour list names. At most `MORE_PER_COLOUR` a shape."""
    from .color_names import palette_color
    from .glosses import _table
    from .parser import said_by_definitions
    probe, other = _probe_and_bank_words()
    out: dict[str, list[str]] = {}
    for w in sorted(_table()["glosses"]):
        if not w.isalpha() or not w.islower() or len(w) < 3 or w in other or w in probe \
                or palette_color(w, more=True) is not None or too_close_to_held_out(w) \
                or (plain and _says_a_motion(w)):
            continue
        value = said_by_definitions(w, "shape")
        if value is not None:
            out.setdefault(value, []).append(w)
    return _sample(out, MORE_SEED, MORE_PER_COLOUR)
