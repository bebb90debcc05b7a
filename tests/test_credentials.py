"""Content Credentials (C2PA), read back with the reference library (c2pa-python): MP4, GIF and PNG
signed with a temporary local identity; the source type, generator, model, seed, the prompt only when
allowed, a flipped byte detected through the hard binding, files that still decode whole, atomic
failures, the identity's permissions, a user's own certificate, and WebM's unsigned tags (ffprobe)."""
from __future__ import annotations

import json
import shutil
import stat
import struct
import subprocess
from pathlib import Path

import c2pa
import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from studio.basics.errors import StudioError
from studio.media import credentials_identity as ident
from studio.media.credentials import (COMPOSITE, GENERATION_LABEL, TRAINED, GenerationFacts, format_credentials,
                                      read_credentials, sign_file, sign_folder)
from studio.media.writer import ExportSettings, write_clip

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
FFPROBE = shutil.which("ffprobe")
needs_ffprobe = pytest.mark.skipif(FFPROBE is None, reason="ffprobe is not installed (apt-get install ffmpeg)")
PROMPT = "my neighbour's cat on the red sofa"
FRAMES = 16


@pytest.fixture(autouse=True)
def config(tmp_path, monkeypatch):
    """Every test gets its own config folder, so the local identity is made anew in tmp_path."""
    folder = tmp_path / "config"
    monkeypatch.setenv(ident.ENV, str(folder))
    return folder


def clip() -> np.ndarray:
    t = np.arange(FRAMES)[:, None, None]
    y, x = np.mgrid[0:48, 0:64]
    r = (x * 4 + t * 9) % 256
    g = (y * 5 + t * 3) % 256
    b = ((x + y) * 2) % 256
    return np.stack(np.broadcast_arrays(r, g, b), -1).astype(np.uint8)


def facts(**kw) -> GenerationFacts:
    return GenerationFacts(**{"model": "footage-vae", "model_version": 3, "seed": 1234, "prompt": PROMPT,
                              "frames": FRAMES, "fps": 8, **kw})


def make(tmp_path: Path, kind: str) -> Path:
    if kind == "png":
        path = tmp_path / "frame.png"
        Image.fromarray(clip()[5]).save(path)
        return path
    return write_clip(clip(), tmp_path / f"clip.{kind}", ExportSettings(fps=8))


def manifest(path: Path) -> tuple[dict, dict, str]:
    """(the active manifest, the whole store, the validation state) as the reference library reads them."""
    with c2pa.Reader(str(path)) as reader:
        store = json.loads(reader.json())
        state = reader.get_validation_state()
    return store["manifests"][store["active_manifest"]], store, state


def assertion(active: dict, prefix: str) -> dict:
    return next(a["data"] for a in active["assertions"] if a["label"].startswith(prefix))


def failures(store: dict) -> list[str]:
    return [f["code"] for f in store["validation_results"]["activeManifest"].get("failure", [])]


@pytest.mark.parametrize("kind", ["mp4", "gif", "png"])
def test_signed_file_says_it_was_made_by_a_model(tmp_path, kind):
    path = make(tmp_path, kind)
    sign_file(path, facts())
    active, store, state = manifest(path)
    created = assertion(active, "c2pa.actions")["actions"][0]
    assert created["action"] == "c2pa.created"
    assert created["digitalSourceType"] == TRAINED
    gen = active["claim_generator_info"][0]
    assert gen["name"] == "Latent Studio" and gen["version"]
    data = assertion(active, GENERATION_LABEL)
    assert (data["model"], data["model_version"], data["seed"]) == ("footage-vae", 3, 1234)
    assert "prompt" not in data and PROMPT.encode() not in path.read_bytes()
    binding = "assertion.bmffHash.match" if kind == "mp4" else "assertion.dataHash.match"   # the hard binding held
    assert binding in [s["code"] for s in store["validation_results"]["activeManifest"]["success"]]
    # well formed and unchanged; the local identity is an untrusted signer, which is all that fails
    assert state == "Valid" and failures(store) == ["signingCredential.untrusted"]
    d = read_credentials(path)
    assert d["signed"] and d["validates"] and not d["trusted"] and d["untrusted_signer"] and not d["errors"]
    assert (d["source_type"], d["model"], d["seed"], d["prompt"]) == ("trainedAlgorithmicMedia", "footage-vae", 1234, None)
    assert d["generator"].startswith("Latent Studio ") and d["signer"]["local_identity"] and d["signer"]["this_computer"]


@pytest.mark.parametrize("kind", ["mp4", "gif", "png"])
def test_prompt_only_when_allowed(tmp_path, kind):
    path = make(tmp_path, kind)
    sign_file(path, facts(include_prompt=True))
    active, _, state = manifest(path)
    assert assertion(active, GENERATION_LABEL)["prompt"] == PROMPT and state == "Valid"
    assert read_credentials(path)["prompt"] == PROMPT
    assert f"Prompt:       {PROMPT!r}" in format_credentials(read_credentials(path))


def _boxes(data: bytes):
    i = 0
    while i + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[i:i + 8])
        header = 8
        if size == 1:
            size, header = struct.unpack(">Q", data[i + 8:i + 16])[0], 16
        elif size == 0:
            size = len(data) - i
        yield kind.decode("latin-1"), i + header, i + size
        i += size


def media_byte(path: Path) -> int:
    """The offset of a byte of picture data: inside mdat (MP4), an IDAT chunk (PNG) or the last frame's
    compressed data (GIF: the last byte before the final block terminator and trailer)."""
    data = path.read_bytes()
    if path.suffix == ".mp4":
        start, end = next((s, e) for k, s, e in _boxes(data) if k == "mdat")
        return (start + end) // 2
    if path.suffix == ".png":
        at = data.index(b"IDAT")
        length = struct.unpack(">I", data[at - 4:at])[0]
        return at + 4 + length // 2
    assert data[-1:] == b";" and data[-2:-1] == b"\0"
    return len(data) - 3


@pytest.mark.parametrize("kind", ["mp4", "gif", "png"])
def test_a_flipped_byte_is_a_hash_mismatch(tmp_path, kind):
    path = make(tmp_path, kind)
    sign_file(path, facts())
    data = bytearray(path.read_bytes())
    data[media_byte(path)] ^= 0x01
    path.write_bytes(bytes(data))
    _, store, state = manifest(path)
    mismatch = "assertion.bmffHash.mismatch" if kind == "mp4" else "assertion.dataHash.mismatch"
    assert state == "Invalid" and mismatch in failures(store)
    d = read_credentials(path)
    assert not d["validates"] and mismatch in [e["code"] for e in d["errors"]]
    assert "Integrity:    FAILED" in format_credentials(d)


def test_mp4_still_decodes_cleanly(tmp_path):
    path = make(tmp_path, "mp4")
    before = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                            capture_output=True, check=True).stdout
    sign_file(path, facts())
    done = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-f", "null", "-"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr.strip() == ""
    after = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                           capture_output=True, check=True).stdout
    assert after == before and len(after) == FRAMES * 48 * 64 * 3


@needs_ffprobe
def test_mp4_with_subtitles_and_chapters_keeps_them(tmp_path):
    """A lesson's MP4 carries a mov_text subtitle track and chapters: signing keeps both."""
    src = make(tmp_path, "mp4")
    (tmp_path / "cues.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nHello\n", encoding="utf-8")
    (tmp_path / "meta.txt").write_text(";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1000\ntitle=One\n"
                                       "[CHAPTER]\nTIMEBASE=1/1000\nSTART=1000\nEND=2000\ntitle=Two\n")
    path = tmp_path / "lesson.mp4"
    subprocess.run([FFMPEG, "-v", "error", "-i", str(src), "-i", str(tmp_path / "cues.srt"),
                    "-i", str(tmp_path / "meta.txt"), "-map", "0", "-map", "1", "-map_chapters", "2", "-c:v", "copy",
                    "-c:s", "mov_text", str(path)], check=True)

    def probe():
        out = json.loads(subprocess.run([FFPROBE, "-v", "error", "-of", "json", "-show_streams", "-show_chapters",
                                         str(path)], capture_output=True, text=True, check=True).stdout)
        return [(s["codec_type"], s.get("nb_frames")) for s in out["streams"]], [c["tags"]["title"] for c in out["chapters"]]
    before = probe()
    sign_file(path, facts())
    streams, chapters = probe()
    assert (streams, chapters) == before and chapters == ["One", "Two"]
    assert [kind for kind, _ in streams][:2] == ["video", "subtitle"]    # (+ the chapters' own text track)
    assert read_credentials(path)["validates"]


def test_gif_keeps_every_frame(tmp_path):
    path = make(tmp_path, "gif")

    def frames():
        with Image.open(path) as im:
            out = []
            for i in range(im.n_frames):
                im.seek(i)
                out.append(np.asarray(im.convert("RGB")))
            return np.stack(out)
    before = frames()
    sign_file(path, facts())
    assert len(frames()) == FRAMES and np.array_equal(frames(), before)


def test_png_pixels_and_folder_of_frames(tmp_path):
    path = make(tmp_path, "png")
    before = np.asarray(Image.open(path))
    sign_file(path, facts())
    assert np.array_equal(np.asarray(Image.open(path)), before)
    folder = write_clip(clip()[:3], tmp_path / "frames", ExportSettings(fps=8))
    assert sign_folder(folder, facts()) == 3
    assert all(read_credentials(f)["validates"] for f in folder.glob("*.png"))


def test_image_to_video_names_the_still_when_it_has_credentials(tmp_path):
    still = make(tmp_path, "png")
    plain = tmp_path / "plain.mp4"
    shutil.copy(make(tmp_path, "mp4"), plain)
    sign_file(plain, facts(source_still_path=still))          # the still has no credentials yet
    active, _, _ = manifest(plain)
    assert assertion(active, "c2pa.actions")["actions"][0]["digitalSourceType"] == COMPOSITE
    assert not active.get("ingredients") and assertion(active, GENERATION_LABEL)["image_to_video"] is True
    sign_file(still, facts())
    path = make(tmp_path, "mp4")
    sign_file(path, facts(source_still_path=still))
    active, store, state = manifest(path)
    assert [(i["title"], i["relationship"]) for i in active["ingredients"]] == [("frame.png", "inputTo")]
    assert state == "Valid"
    d = read_credentials(path)
    assert d["source_type"] == "compositeWithTrainedAlgorithmicMedia"
    assert d["ingredients"] == [{"title": "frame.png", "relationship": "inputTo", "has_credentials": True}]


def test_a_failure_leaves_the_file_and_no_temporary(tmp_path):
    path = tmp_path / "broken.mp4"
    path.write_bytes(b"not an mp4 at all" * 10)
    with pytest.raises(StudioError) as e:
        sign_file(path, facts())
    assert str(e.value).startswith("could not add Content Credentials to broken.mp4:") and "\n" not in str(e.value)
    assert path.read_bytes() == b"not an mp4 at all" * 10
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.mp4", "config"]
    with pytest.raises(StudioError, match="only MP4, GIF, PNG"):
        sign_file(tmp_path / "clip.npy", facts())
    with pytest.raises(StudioError, match="no such file"):
        sign_file(tmp_path / "gone.gif", facts())


def test_a_writer_signs_its_temporary_under_the_final_name(tmp_path):
    tmp = tmp_path / ".clip.x1y2.partial.gif"
    make(tmp_path, "gif").rename(tmp)
    sign_file(tmp, facts(), title="clip.gif")
    final = tmp.rename(tmp_path / "clip.gif")
    assert manifest(final)[0]["title"] == "clip.gif" and read_credentials(final)["title"] == "clip.gif"


def test_signed_file_keeps_its_mode(tmp_path):
    path = make(tmp_path, "gif")
    path.chmod(0o644)
    sign_file(path, facts())
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_local_identity_is_user_only_and_made_once(config):
    first = ident.local_identity()
    folder = config / ident.FOLDER
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for name in (ident.CHAIN, ident.KEY, ident.CA):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600
    key = first.key_path.read_bytes()
    assert ident.local_identity().key_path.read_bytes() == key
    assert not any(p.name.startswith(".") for p in config.iterdir())   # no half-made folder left
    from cryptography import x509
    leaf, ca = x509.load_pem_x509_certificates(first.cert_chain_path.read_bytes())
    assert leaf.extensions.get_extension_for_class(x509.KeyUsage).value.digital_signature
    assert not leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert leaf.issuer == ca.subject and ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert ident.load_pem(first)[2] == "es256"


def test_reading_with_the_local_ca_as_anchor_trusts_it(tmp_path, config):
    path = make(tmp_path, "png")
    sign_file(path, facts())
    d = read_credentials(path, trust_anchors=config / ident.FOLDER / ident.CA)
    assert d["trusted"] and d["validates"] and not d["untrusted_signer"]
    assert "Signer:       trusted" in format_credentials(d)


def test_own_certificate_from_settings(tmp_path):
    own = tmp_path / "school"
    own.mkdir()
    pem = ident.make_identity_pem("Hill School media lab")
    (own / "chain.pem").write_bytes(pem[ident.CHAIN])
    (own / "key.pem").write_bytes(pem[ident.KEY])
    identity = ident.identity_from_settings({ident.SETTING_CHAIN: str(own / "chain.pem"),
                                             ident.SETTING_KEY: str(own / "key.pem")})
    assert not identity.local
    path = make(tmp_path, "gif")
    sign_file(path, facts(), identity)
    d = read_credentials(path)
    assert d["signer"]["name"] == "Hill School media lab" and not d["signer"]["this_computer"] and d["validates"]
    assert ident.identity_from_settings({}).local                    # nothing set: the local identity
    other = ident.make_identity_pem()
    (own / "other-key.pem").write_bytes(other[ident.KEY])
    with pytest.raises(StudioError, match="does not belong to the first certificate"):
        ident.identity_from_settings({ident.SETTING_CHAIN: str(own / "chain.pem"),
                                      ident.SETTING_KEY: str(own / "other-key.pem")})
    with pytest.raises(StudioError, match="both a certificate chain file and a key file"):
        ident.identity_from_settings({ident.SETTING_CHAIN: str(own / "chain.pem")})
    with pytest.raises(StudioError, match="does not fit the key"):
        ident.load_pem(ident.SigningIdentity(own / "chain.pem", own / "key.pem", "ps256"))
    with pytest.raises(StudioError, match="cannot read the certificate chain"):
        sign_file(path, facts(), ident.SigningIdentity(own / "missing.pem", own / "key.pem"))


def test_no_credentials_and_unsupported_files(tmp_path):
    path = make(tmp_path, "png")
    d = read_credentials(path)
    assert not d["present"] and not d["validates"]
    assert format_credentials(d) == "frame.png: this file carries no Content Credentials."
    with pytest.raises(StudioError, match="no such file"):
        read_credentials(tmp_path / "gone.mp4")


def test_format_credentials_for_people(tmp_path):
    path = make(tmp_path, "mp4")
    sign_file(path, facts())
    text = format_credentials(read_credentials(path))
    for line in ("Content Credentials of clip.mp4", "Source:       made by a model (trainedAlgorithmicMedia)",
                 "Model:        footage-vae, card version 3", "Seed:         1234", "Prompt:       not recorded",
                 "Integrity:    verified", "untrusted signer (a local identity made by Latent Studio"):
        assert line in text, text


@needs_ffprobe
def test_webm_carries_the_facts_as_unsigned_tags(tmp_path):
    path = make(tmp_path, "webm")
    sign_file(path, facts())

    def tags():
        out = subprocess.run([FFPROBE, "-v", "error", "-of", "json", "-show_format", str(path)],
                             capture_output=True, text=True, check=True).stdout
        return {k.upper(): v for k, v in json.loads(out)["format"]["tags"].items()}
    t = tags()
    assert t["DIGITAL_SOURCE_TYPE"] == TRAINED and t["AI_MODEL"] == "footage-vae" and t["AI_SEED"] == "1234"
    assert t["AI_MODEL_VERSION"] == "3" and t["AI_GENERATOR"].startswith("Latent Studio ")
    assert "AI_PROMPT" not in t and PROMPT.encode() not in path.read_bytes()
    done = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-f", "null", "-"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr.strip() == ""
    d = read_credentials(path)
    assert d["present"] and not d["signed"] and not d["validates"]
    assert (d["model"], d["model_version"], d["seed"], d["source_type"]) == ("footage-vae", 3, 1234,
                                                                             "trainedAlgorithmicMedia")
    assert "unsigned" in format_credentials(d)
    tricky = "a=b; #c \\ d\nnext line"
    sign_file(path, facts(prompt=tricky, include_prompt=True))
    assert tags()["AI_PROMPT"] == tricky and read_credentials(path)["prompt"] == tricky


def test_a_damaged_manifest_reads_as_failed_not_as_an_error(tmp_path):
    path = make(tmp_path, "mp4")
    sign_file(path, facts())
    data = bytearray(path.read_bytes())
    start, end = next((s, e) for k, s, e in _boxes(bytes(data)) if k == "uuid")    # the manifest store's box
    for at in range(start + 40, end, 97):
        data[at] ^= 0xFF
    path.write_bytes(bytes(data))
    d = read_credentials(path)
    assert d["present"] and not d["validates"] and d["errors"]
    assert "Integrity:    FAILED" in format_credentials(d)
