"""Reading Content Credentials back: what a file's C2PA manifest says and whether it verifies
(through the reference library, c2pa-python), or what a WebM's unsigned tags say.

read_credentials(path) -> dict, with these keys (absent facts are None):
    path, title (the name the manifest gives the file), format, present (any credentials or tags at all), signed (a C2PA manifest, not WebM tags),
    generator ("Latent Studio 0.1.0"), source_type ("trainedAlgorithmicMedia"), digital_source_type (the
    IPTC URL), made_by_model (the source type is one of the trained-algorithmic ones), model,
    model_version, seed, prompt (only when it was allowed into the file), frames, fps, image_to_video,
    ingredients ([{title, relationship, has_credentials}]), signer ({name, issuer, alg, serial,
    local_identity, this_computer}), validation_state (the library's: Valid, Trusted or Invalid),
    validates (the signature and the hard binding hold: nothing changed since signing), trusted (the
    signer chains to a trust anchor), untrusted_signer, errors ([{code, explanation}]: failures other
    than the untrusted signer, e.g. assertion.dataHash.mismatch), note (a sentence for WebM tags, a
    damaged manifest, or a file without credentials).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from ..basics.errors import StudioError

GENERATION_LABEL = "org.latentstudio.generation"
IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
MADE_BY_MODEL = ("trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia", "algorithmicMedia",
                 "compositeSynthetic")
UNTRUSTED = "signingCredential.untrusted"
FACT_KEYS = ("model", "model_version", "seed", "prompt", "frames", "fps", "image_to_video")


def has_credentials(path: str | os.PathLike) -> bool:
    """True when the file carries a C2PA manifest the library can read (valid or not)."""
    import c2pa
    try:
        reader = c2pa.Reader.try_create(str(path))
    except (c2pa.C2paError, OSError):
        return False
    if reader is None:
        return False
    reader.close()
    return True


def _blank(path: Path) -> dict:
    d = dict.fromkeys(("title", "format", "generator", "source_type", "digital_source_type", "signer",
                       "validation_state", "note") + FACT_KEYS)
    d.update(path=str(path), present=False, signed=False, made_by_model=False, ingredients=[],
             validates=False, trusted=False, untrusted_signer=False, errors=[])
    return d


def read_credentials(path: str | os.PathLike, trust_anchors: str | os.PathLike | None = None) -> dict:
    """What the file's credentials say (see the module's docstring for the keys). trust_anchors: a PEM
    file of CA certificates to trust (e.g. a school's CA, or the local CA on purpose). Raises
    StudioError for a file that cannot be read or a format that cannot carry credentials."""
    path = Path(path)
    if not path.is_file():
        raise StudioError(f"cannot read credentials from {path}: there is no such file")
    d = _blank(path)
    if path.suffix.lower() == ".webm":
        return _from_webm(path, d)
    import c2pa
    context = None
    if trust_anchors is not None:
        try:
            anchors = Path(trust_anchors).read_text()
        except OSError as e:
            raise StudioError(f"cannot read the trust anchors {trust_anchors}: {e.strerror or e}") from None
        context = c2pa.Context.from_dict({"trust": {"user_anchors": anchors}})
    try:
        with open(path, "rb") as f:
            reader = c2pa.Reader.try_create(_format(path), f, None, context)
            if reader is None:
                d["note"] = "this file carries no Content Credentials"
                return d
            with reader:
                store = json.loads(reader.json())
                state = reader.get_validation_state()
    except c2pa.C2paError.NotSupported:
        raise StudioError(f"cannot read credentials from {path.name}: this kind of file cannot carry "
                          f"Content Credentials") from None
    except c2pa.C2paError as e:
        d.update(present=True, signed=True, validation_state="Invalid",
                 errors=[{"code": "manifest.unreadable", "explanation": library_reason(e)}],
                 note="the credentials are damaged and cannot be read")
        return d
    except OSError as e:
        raise StudioError(f"cannot read credentials from {path}: {e.strerror or e}") from None
    return _from_store(store, state, d)


def _format(path: Path) -> str | None:
    import mimetypes
    return mimetypes.guess_type(path.name)[0]


def _from_store(store: dict, state: str | None, d: dict) -> dict:
    active = store.get("manifests", {}).get(store.get("active_manifest"), {})
    d.update(present=True, signed=True, title=active.get("title"), format=active.get("format"),
             validation_state=state)
    info = (active.get("claim_generator_info") or [{}])[0]
    d["generator"] = " ".join(str(info[k]) for k in ("name", "version") if info.get(k)) or active.get("claim_generator")
    for assertion in active.get("assertions", []):
        label, data = assertion.get("label", ""), assertion.get("data") or {}
        if label.startswith("c2pa.actions"):
            for action in data.get("actions", []):
                if action.get("action") == "c2pa.created" and action.get("digitalSourceType"):
                    d["digital_source_type"] = action["digitalSourceType"]
        elif label == GENERATION_LABEL:
            d.update({k: data.get(k) for k in FACT_KEYS})
    if d["digital_source_type"]:
        d["source_type"] = d["digital_source_type"].rsplit("/", 1)[-1]
        d["made_by_model"] = d["source_type"] in MADE_BY_MODEL
    d["ingredients"] = [{"title": i.get("title"), "relationship": i.get("relationship"),
                         "has_credentials": bool(i.get("active_manifest"))} for i in active.get("ingredients", [])]
    d["signer"] = _signer(active.get("signature_info") or {})
    results = (store.get("validation_results") or {}).get("activeManifest")
    failures = results.get("failure", []) if results else store.get("validation_status") or []
    d["untrusted_signer"] = any(f.get("code") == UNTRUSTED for f in failures)
    d["errors"] = [{"code": f.get("code"), "explanation": f.get("explanation")}
                   for f in failures if f.get("code") != UNTRUSTED]
    d["validates"] = state in ("Valid", "Trusted") and not d["errors"]
    d["trusted"] = state == "Trusted"
    return d


def _signer(info: dict) -> dict:
    from .credentials_identity import LOCAL_ORGANIZATION, local_identity
    serial = info.get("cert_serial_number")
    this_computer = False
    mine = local_identity(create=False)
    if serial and mine is not None:
        try:
            from cryptography import x509
            leaf = x509.load_pem_x509_certificates(mine.cert_chain_path.read_bytes())[0]
            this_computer = str(leaf.serial_number) == str(serial)
        except (OSError, ValueError, IndexError):
            pass
    return {"name": info.get("common_name"), "issuer": info.get("issuer"), "alg": info.get("alg"),
            "serial": serial, "time": info.get("time"),
            "local_identity": info.get("issuer") == LOCAL_ORGANIZATION, "this_computer": this_computer}


def _from_webm(path: Path, d: dict) -> dict:
    from .credentials_webm import GENERATOR_TAG, SOURCE_TYPE_TAG, TAGS, read_webm_tags
    tags = read_webm_tags(path)
    d["format"] = "video/webm"
    if SOURCE_TYPE_TAG not in tags and GENERATOR_TAG not in tags:
        d["note"] = "this WebM carries no credentials metadata (WebM cannot carry C2PA Content Credentials)"
        return d
    d.update(present=True, generator=tags.get(GENERATOR_TAG), digital_source_type=tags.get(SOURCE_TYPE_TAG),
             note="unsigned metadata: WebM cannot carry C2PA Content Credentials, so nothing verifies these facts")
    for tag, key in TAGS.items():
        if tag in tags:
            d[key] = _typed(tags[tag], key)
    if d["digital_source_type"]:
        d["source_type"] = d["digital_source_type"].rsplit("/", 1)[-1]
        d["made_by_model"] = d["source_type"] in MADE_BY_MODEL
    return d


def _typed(text: str, key: str):
    if key == "image_to_video":
        return text.lower() == "true"
    if key in ("seed", "frames", "fps", "model_version"):
        try:
            return int(text)
        except ValueError:
            return text
    return text


def library_reason(e: Exception) -> str:
    """The first line of a c2pa error, without the library's category word ("Other: ...")."""
    text = (str(e).strip().splitlines() or [type(e).__name__])[0]
    category = type(e).__name__.lstrip("_").removeprefix("C2pa")
    return text.removeprefix(f"{category}: ").rstrip(".")


def summary(d: dict) -> str:
    """The dict from read_credentials as one short phrase, e.g. "made by a model (footage-gan, seed 3),
    credentials verified (untrusted signer)" or "Content Credentials do not verify (the file changed
    after signing)"."""
    if not d["present"]:
        return "no Content Credentials"
    if d["signed"] and not d["validates"]:
        codes = [e["code"] or "" for e in d["errors"]]
        why = ("the file changed after signing" if any(c.endswith("ash.mismatch") for c in codes)
               else ", ".join(c for c in codes if c) or d.get("note") or "they are damaged")
        return f"Content Credentials do not verify ({why})"
    made = "made by a model" if d["made_by_model"] else "not marked as made by a model"
    facts = [str(d["model"])] if d["model"] else [d["generator"]] if d["generator"] else []
    facts += [f"seed {d['seed']}"] if d["seed"] is not None else []
    text = made + (f" ({', '.join(facts)})" if facts else "")
    if not d["signed"]:
        return text + ", unsigned metadata (not verified)"
    return text + ", credentials verified" + ("" if d["trusted"] else " (untrusted signer)")


def format_credentials(d: dict) -> str:
    """The dict from read_credentials as a few lines for a person."""
    name = Path(d["path"]).name
    if not d["present"]:
        return f"{name}: {d.get('note') or 'no Content Credentials'}."
    lines = [f"Content Credentials of {name}" if d["signed"] else f"Credentials metadata of {name} (unsigned)"]

    def row(label, text):
        lines.append(f"  {label + ':':<14}{text}")

    if d["source_type"]:
        made = "made by a model" if d["made_by_model"] else "not marked as made by a model"
        row("Source", f"{made} ({d['source_type']})")
    if d["generator"]:
        row("Generator", d["generator"])
    if d["model"]:
        version = f", card version {d['model_version']}" if d["model_version"] is not None else ""
        row("Model", f"{d['model']}{version}")
    if d["seed"] is not None:
        row("Seed", str(d["seed"]))
    if d["frames"]:
        row("Frames", f"{d['frames']}" + (f" at {d['fps']} fps" if d["fps"] else ""))
    if d["image_to_video"]:
        row("Made from", "a still image (image-to-video)")
    if d["model"] or d["source_type"]:
        row("Prompt", repr(d["prompt"]) if d["prompt"] else "not recorded")
    for ing in d["ingredients"]:
        row("Ingredient", f"{ing['title']} ({ing['relationship']}"
                          + (", with its own credentials)" if ing["has_credentials"] else ")"))
    s = d["signer"]
    if s:
        who = s["name"] or "unknown"
        if s["issuer"]:
            who += f", issued by {s['issuer']}"
        if s["this_computer"]:
            who += " (this computer's local identity)"
        row("Signed by", who)
    if d["signed"]:
        if d["validates"]:
            row("Integrity", "verified: the file has not changed since it was signed")
        else:
            row("Integrity", "FAILED: the file or its credentials changed after signing, or are damaged")
        for e in d["errors"]:
            row("  error", f"{e['code']}: {e['explanation']}")
        if d["trusted"]:
            row("Signer", "trusted")
        elif d["untrusted_signer"] or (s and not d["trusted"]):
            why = ("a local identity made by Latent Studio, which no trust list knows"
                   if s and s["local_identity"] else "its certificate does not chain to a trusted CA")
            row("Signer", f"untrusted signer ({why})")
    if d.get("note"):
        row("Note", d["note"])
    return "\n".join(lines)
