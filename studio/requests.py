"""What the UI asks the engine thread for, and what a parse returns: plain frozen dataclasses with
no Qt, so that tests, benches and the worker share them."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np


@dataclass(frozen=True)
class RenderRequest:
    prompt: str = ""
    seed: int = 0
    frames: int = 16
    sliders: tuple = ()                     # ((direction, value), ...) with non-zero values only
    visible: int = 0                        # the frame the user is looking at: rendered first
    image_path: str = ""                    # a still to animate (image to video), or ""
    id: int = 0
    timeline: tuple = ()                    # frozen TimelineSpec parts: (fps, loop, noise_period, keys, drives,
                                            # ((feature, float64 bytes), ...)); () = none

    @staticmethod
    def make(prompt: str, seed: int, frames: int, sliders: dict, visible: int = 0, image_path: str = "",
             timeline=None):
        """`timeline`: a TimelineSpec (keys, loop, noise loop, drives), or None for a still look."""
        kept = tuple(sorted((k, float(v)) for k, v in sliders.items() if v != 0))
        frozen = ()
        if timeline is not None and timeline.animated:
            keys = tuple((k.time, tuple(sorted(k.sliders.items())), k.easing, k.seed) for k in timeline.keys)
            read = sorted({d.feature for d in timeline.drives} & set(timeline.features))
            features = tuple((n, np.asarray(timeline.features[n], np.float64).tobytes()) for n in read)
            frozen = (int(timeline.fps), bool(timeline.loop), float(timeline.noise_period), keys,
                      tuple(timeline.drives), features)
        return RenderRequest(prompt, int(seed), int(frames), kept, max(0, min(int(visible), frames - 1)), image_path,
                             0, frozen)

    @staticmethod
    def from_project(project, visible: int = 0, image_path: str = "", features: dict | None = None) -> "RenderRequest":
        """The request that draws a project document exactly as `studio export` does (`features`: its
        song's, when the caller has them: see `Project.timeline`)."""
        return RenderRequest.make(project.prompt, project.seed, project.frames, project.sliders, visible, image_path,
                                  project.timeline(features))

    def with_id(self, rid: int) -> "RenderRequest":
        return replace(self, id=rid)

    def spec(self):
        """The TimelineSpec this request renders (None without keys, loop or noise)."""
        if not self.timeline:
            return None
        from studio.engine.trajectory import Key, TimelineSpec
        fps, loop, period, keys, drives, features = self.timeline
        return TimelineSpec(self.frames, fps, dict(self.sliders), [Key(t, dict(sl), e, sd) for t, sl, e, sd in keys],
                            loop, self.seed, period, drives, {n: np.frombuffer(b, np.float64).copy() for n, b in features})

    def key(self) -> tuple:
        """What the frames depend on (not the id nor the visible frame)."""
        return (self.prompt, self.seed, self.frames, self.sliders, self.image_path, self.timeline)


@dataclass(frozen=True)
class ExportRequest:
    render: RenderRequest
    path: str
    size: str = "native"
    fit: str = "letterbox"
    scaling: str = "native"
    fps: int = 8
    id: int = 0
    title: str = ""                         # drawn over the first second (lesson videos)
    caption: str = ""                       # drawn along the bottom
    credentials: bool = True                # sign the file with Content Credentials
    credentials_prompt: bool = False        # and record the prompt in them (a prompt can be private)
    identity: object = None                 # a credentials SigningIdentity (None: the local one)
    audio: tuple = ()                       # (song path, offset in seconds): MP4 and WebM carry it; () = silent


@dataclass(frozen=True)
class NativeFramesRequest:
    """Frames of the clip on screen, drawn natively at the preview's size (crisp edges)."""
    key: tuple                              # RenderRequest.key() of the clip they belong to
    indices: tuple                          # in the order wanted (the playhead's first)
    size: int
    id: int = 0


@dataclass
class WordStatus:
    word: str
    status: str                             # known, matched, unknown, stop
    group: str = ""
    value: str = ""


@dataclass
class ParseResult:
    text: str
    words: list = field(default_factory=list)      # WordStatus per token
    unknown: list = field(default_factory=list)
    values: dict = field(default_factory=dict)
    drawn: dict = field(default_factory=dict)      # what the clip shows: the prompt's values, the seed's for the rest
    from_image: bool = False                        # image to video: what the prompt leaves open comes from the still
