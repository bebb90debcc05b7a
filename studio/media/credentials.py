"""Content Credentials (C2PA): every exported clip says it was made by a model, by which model, and
whether it has changed since.

    facts = GenerationFacts(model="footage-vae", model_version=3, seed=7, frames=16, fps=8)
    sign_file("clip.mp4", facts)                 # MP4, GIF, PNG: a signed C2PA manifest, in place
    print(format_credentials(read_credentials("clip.mp4")))

`sign_file` adds an active manifest through the reference library (c2pa-python): a `c2pa.actions`
assertion with `c2pa.created` and the IPTC digital source type `trainedAlgorithmicMedia`
(`compositeWithTrainedAlgorithmicMedia` for image-to-video, with the still as an ingredient when it
carried credentials of its own); `claim_generator_info` naming Latent Studio and its version; an
`org.latentstudio.generation` assertion with the model's name, its card version and the seed (and the
prompt only when `facts.include_prompt`); and the library's hard binding to the file's bytes
(`c2pa.hash.data` for PNG and GIF, `c2pa.hash.bmff.v3` for MP4), so one changed byte reads as a hash
mismatch. The signed file is written beside the original and renamed over it: a failure leaves the
original as it was, and raises StudioError with one sentence.

WebM has no C2PA binding, so `sign_file` writes the same facts as Matroska tags instead
(`credentials_webm`): they say the same things but are not signed, so anyone can change them.

Signing uses the local identity (`credentials_identity.local_identity`, made at first use) unless an
identity is given; readers call the local identity an untrusted signer.
"""
from __future__ import annotations

import mimetypes
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..basics.errors import StudioError
from .credentials_identity import SigningIdentity, load_pem, local_identity
from .credentials_read import (GENERATION_LABEL, IPTC, format_credentials, has_credentials, library_reason,
                               read_credentials)

__all__ = ["GenerationFacts", "SigningIdentity", "sign_file", "sign_folder", "read_credentials", "format_credentials",
           "has_credentials", "GENERATION_LABEL", "TRAINED", "COMPOSITE"]

GENERATOR = "Latent Studio"
TRAINED = IPTC + "trainedAlgorithmicMedia"
COMPOSITE = IPTC + "compositeWithTrainedAlgorithmicMedia"
SIGNABLE = {".mp4": "video/mp4", ".gif": "image/gif", ".png": "image/png"}
STILL_INGREDIENT = "source-still"


@dataclass
class GenerationFacts:
    """What a clip's credentials say about how it was made."""
    model: str                                  # the model's name
    model_version: int | str | None = None      # its card version
    seed: int | None = None
    prompt: str | None = None                   # recorded only when include_prompt (a prompt can be private)
    include_prompt: bool = False
    source_still_path: str | os.PathLike | None = None   # image-to-video: the still the clip was drawn from
    frames: int | None = None
    fps: int | None = None

    @classmethod
    def of(cls, model, seed: int, prompt: str, include_prompt: bool, frames: int, fps: int,
           still=None) -> "GenerationFacts":
        """The facts of a clip a loaded model drew (its name and card version)."""
        return cls(model=model.name, model_version=model.card.get("version"), seed=seed, prompt=prompt,
                   include_prompt=include_prompt, source_still_path=still or None, frames=frames, fps=fps)

    def generation(self) -> dict:
        """The org.latentstudio.generation assertion's data (also the WebM tags)."""
        data = {"model": self.model, "model_version": self.model_version, "seed": self.seed,
                "frames": self.frames, "fps": self.fps,
                "image_to_video": self.source_still_path is not None}
        if self.include_prompt and self.prompt:
            data["prompt"] = self.prompt
        return {k: v for k, v in data.items() if v is not None}

    def source_type(self) -> str:
        return COMPOSITE if self.source_still_path is not None else TRAINED


def app_version() -> str:
    try:
        from importlib.metadata import version
        return version("latent-studio")
    except Exception:                       # running from a source tree that is not installed
        return "unknown"


def manifest_for(facts: GenerationFacts, title: str, ingredient: bool = False) -> dict:
    """The manifest definition that c2pa.Builder takes."""
    agent = {"name": GENERATOR, "version": app_version()}
    created = {"action": "c2pa.created", "digitalSourceType": facts.source_type(), "softwareAgent": agent}
    if ingredient:
        created["parameters"] = {"ingredientIds": [STILL_INGREDIENT]}
    return {"claim_generator_info": [agent], "title": title,
            "assertions": [{"label": "c2pa.actions", "data": {"actions": [created]}},
                           {"label": GENERATION_LABEL, "data": facts.generation()}]}


def sign_file(path: str | os.PathLike, facts: GenerationFacts, identity: SigningIdentity | None = None,
              title: str | None = None) -> Path:
    """Adds Content Credentials to an MP4, GIF or PNG in place (atomically); a WebM gets the same facts
    as unsigned container metadata (C2PA cannot sign WebM). title: the name the manifest gives the
    file (default its own; a writer signing its temporary file passes the final name). Returns the
    path; raises StudioError."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".webm":
        from .credentials_webm import write_webm_metadata
        return write_webm_metadata(path, facts)
    if suffix not in SIGNABLE:
        raise StudioError(f"cannot add Content Credentials to {path.name}: only MP4, GIF, PNG "
                          f"(and WebM as unsigned metadata) can carry them")
    if not path.is_file():
        raise StudioError(f"cannot add Content Credentials to {path}: there is no such file")
    chain, key, alg = load_pem(identity or local_identity())
    import c2pa
    try:
        fd, tmpname = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".signing{suffix}", dir=path.parent)
        os.close(fd)
    except OSError as e:
        raise StudioError(f"cannot add Content Credentials to {path}: {e.strerror or e}") from None
    tmp = Path(tmpname)
    try:
        still = _signed_still(facts.source_still_path)
        with c2pa.Signer.from_info(c2pa.C2paSignerInfo(alg, chain, key, None)) as signer, \
                c2pa.Builder(manifest_for(facts, title or path.name, ingredient=still is not None), _context()) as builder:
            if still is not None:
                with open(still, "rb") as s:
                    builder.add_ingredient({"title": still.name, "relationship": "inputTo",
                                            "label": STILL_INGREDIENT}, _mime(still), s)
            with open(path, "rb") as src, open(tmp, "w+b") as dst:
                builder.sign(signer, SIGNABLE[suffix], src, dst)
        shutil.copymode(path, tmp)          # mkstemp makes 0600: keep the export's own mode
        os.replace(tmp, path)
    except c2pa.C2paError as e:
        tmp.unlink(missing_ok=True)
        raise StudioError(f"could not add Content Credentials to {path.name}: {library_reason(e)}") from None
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise StudioError(f"could not add Content Credentials to {path.name}: {e.strerror or e}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def sign_folder(folder: str | os.PathLike, facts: GenerationFacts, identity: SigningIdentity | None = None) -> int:
    """Signs every PNG frame in a PNG-sequence export; returns how many."""
    frames = sorted(Path(folder).glob("*.png"))
    for f in frames:
        sign_file(f, facts, identity)
    return len(frames)


def _context():
    """Settings for signing: no thumbnail in the manifest (a clip's own frames show what it is, and a
    thumbnail would add ~100-400 kB to a small GIF or PNG)."""
    import c2pa
    return c2pa.Context.from_dict({"builder": {"thumbnail": {"enabled": False}}})


def _signed_still(still) -> Path | None:
    """The source still when it exists and carries readable credentials, else None."""
    if still is None or not Path(still).is_file():
        return None
    return Path(still) if has_credentials(still) else None


def _mime(path: Path) -> str:
    return mimetypes.guess_type(path.name)[0] or path.suffix.lstrip(".").lower()

