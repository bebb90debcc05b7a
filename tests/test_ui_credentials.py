"""Content Credentials in the app: the settings in the export dialogs, the question when signing fails,
a signed still's line in "Understood as", and the dialog that reads a file's credentials."""
from __future__ import annotations

import datetime
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFormLayout, QWidget
from test_ui_window import make_window

from studio.media.credentials import GenerationFacts, sign_file
from studio.media.credentials_identity import SETTING_CHAIN, SETTING_KEY, SETTING_USE, identity_from_settings
from studio.media.credentials_read import format_credentials, read_credentials
from studio.ui.credentials_settings import CredentialsGroup, signing_choices


@pytest.fixture()
def window(models_env, qtbot, tmp_path):
    win = make_window(qtbot, tmp_path)
    yield win
    win.close()


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A well-formed certificate and its key that C2PA refuses to sign with (self-signed, no CA), as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Self-signed test")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30)).sign(key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    chain, pem_key = folder / "chain.pem", folder / "key.pem"
    chain.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pem_key.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return chain, pem_key


def drop(widget, path: Path) -> None:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, data, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)
    widget.dropEvent(event)


def export(dlg, qtbot, path: Path) -> str:
    dlg.set_choice(format=path.suffix.lstrip(".") or "png", size="native", path=path)
    with qtbot.waitSignal(dlg.exported, timeout=60000) as done:
        assert dlg.start()
    return done.args[0]


def test_settings_default_to_prompt_off_and_are_remembered(qtbot, tmp_path):
    chain, key = self_signed(tmp_path / "own")
    prefs = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    holder = QWidget()
    qtbot.addWidget(holder)
    group = CredentialsGroup(prefs, QFormLayout(holder))
    assert group.sign.isChecked() and not group.prompt.isChecked() and group.identity.currentData() == "local"
    assert signing_choices(prefs) == (True, False)
    assert not group.form.isRowVisible(group.rows[0])             # no certificate rows for the local identity
    assert identity_from_settings(prefs).local
    group.prompt.setChecked(True)
    group.identity.setCurrentIndex(group.identity.findData("own"))
    assert group.form.isRowVisible(group.rows[0]) and group.form.isRowVisible(group.rows[1])
    group.chain.setText(str(chain))
    group.key.setText(str(key))
    prefs.sync()

    again = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)        # a new run of the app
    assert signing_choices(again) == (True, True)
    own = identity_from_settings(again)
    assert not own.local and own.cert_chain_path == chain and own.key_path == key
    shown = CredentialsGroup(again, QFormLayout(QWidget(holder)))
    assert shown.prompt.isChecked() and shown.identity.currentData() == "own" and shown.chain.text() == str(chain)

    shown.identity.setCurrentIndex(shown.identity.findData("local"))   # back to the local identity: paths kept
    assert identity_from_settings(again).local and again.value(SETTING_CHAIN) == str(chain)
    shown.sign.setChecked(False)
    assert signing_choices(again) == (False, True)
    assert not shown.prompt.isEnabled() and not shown.identity.isEnabled()


def test_prompt_checkbox_decides_whether_the_signed_file_holds_the_prompt(window, qtbot, tmp_path):
    win = window
    win.doc.prompt = "a small red square moving left"
    dlg = win.open_export_dialog()
    assert not dlg.signing.group.prompt.isChecked()
    private = read_credentials(export(dlg, qtbot, tmp_path / "private.mp4"))
    dlg.signing.group.prompt.setChecked(True)
    shared = read_credentials(export(dlg, qtbot, tmp_path / "shared.gif"))
    assert private["validates"] and private["prompt"] is None and private["model"] == win.model_name
    assert shared["validates"] and shared["prompt"] == "a small red square moving left"
    assert win.settings.value("credentials/include_prompt", type=bool)           # remembered for next time
    dlg.signing.group.sign.setChecked(False)
    assert not read_credentials(export(dlg, qtbot, tmp_path / "plain.mp4"))["present"]
    dlg.close()


def test_a_signature_that_fails_asks_and_only_save_without_credentials_writes(window, qtbot, tmp_path):
    win = window
    chain, key = self_signed(tmp_path / "own")
    win.settings.setValue(SETTING_USE, "own")
    win.settings.setValue(SETTING_CHAIN, str(chain))
    win.settings.setValue(SETTING_KEY, str(key))
    out = tmp_path / "out"
    out.mkdir()
    dlg = win.open_export_dialog()
    dlg.set_choice(format="mp4", size="native", path=out / "clip.mp4")
    assert dlg.start()
    qtbot.waitUntil(lambda: dlg.signing.question is not None, timeout=60000)   # drawn, then refused by C2PA
    box = dlg.signing.question
    assert box.isVisible() and "could not sign clip.mp4 with content credentials" in box.text().lower()
    assert "the certificate is invalid" in box.text() and box.save.text() == "Save without credentials"
    assert list(out.iterdir()) == [] and not dlg.busy and "Nothing was saved" in dlg.message.text()
    box.cancel.click()
    qtbot.waitUntil(lambda: dlg.signing.question is None)
    qtbot.wait(200)
    assert list(out.iterdir()) == [] and dlg.export.isEnabled()

    assert dlg.start()
    qtbot.waitUntil(lambda: dlg.signing.question is not None, timeout=60000)
    with qtbot.waitSignal(dlg.exported, timeout=60000):
        dlg.signing.question.save.click()
    assert [p.name for p in out.iterdir()] == ["clip.mp4"] and not read_credentials(out / "clip.mp4")["present"]
    assert "without Content Credentials" in dlg.message.text()
    assert signing_choices(win.settings)[0]                                # this once: signing stays on

    win.settings.setValue(SETTING_CHAIN, str(tmp_path / "missing.pem"))  # a certificate that cannot be read:
    dlg.set_choice(path=out / "other.mp4")
    assert not dlg.start()                                                 # asked before anything is drawn
    assert "cannot read the certificate chain" in dlg.signing.question.text() and not dlg.busy
    dlg.signing.question.cancel.click()
    qtbot.waitUntil(lambda: dlg.signing.question is None)
    assert [p.name for p in out.iterdir()] == ["clip.mp4"]
    dlg.close()


def test_a_signed_still_says_so_in_understood_as_and_becomes_an_ingredient(window, qtbot, tmp_path):
    import cv2
    win = window
    still = tmp_path / "still.png"
    cv2.imwrite(str(still), np.full((64, 64, 3), (40, 200, 90), np.uint8))
    sign_file(still, GenerationFacts(model="footage-gan", seed=3))
    with qtbot.waitSignal(win.clipReady, timeout=60000):
        drop(win.preview, still)
    assert win.image_path == str(still)
    line = win.prompt.understood_text().splitlines()[0]
    assert line == "Still: made by a model (footage-gan, seed 3), credentials verified (untrusted signer)"
    assert "Still:" in win.prompt.understood.text()

    dlg = win.open_export_dialog()
    info = read_credentials(export(dlg, qtbot, tmp_path / "animated.mp4"))
    dlg.close()
    assert info["validates"] and info["source_type"] == "compositeWithTrainedAlgorithmicMedia"
    assert info["ingredients"] == [{"title": "still.png", "relationship": "inputTo", "has_credentials": True}]

    changed = tmp_path / "changed.png"
    changed.write_bytes(still.read_bytes() + b"\0")  # one byte more after the end: still a PNG to look at
    drop(win.preview, changed)
    assert win.prompt.understood_text().splitlines()[0] == \
        "Still: Content Credentials do not verify (the file changed after signing)"
    plain = tmp_path / "plain.png"
    cv2.imwrite(str(plain), np.zeros((64, 64, 3), np.uint8))
    drop(win.preview, plain)
    assert "Still" not in win.prompt.understood_text()            # no credentials: nothing to say
    win.set_image("")
    assert "Still" not in win.prompt.understood_text()


def test_credentials_dialog_shows_what_the_command_prints(window, qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from studio.media.writer import write_clip
    win = window
    clip = np.random.default_rng(0).integers(0, 255, (4, 32, 32, 3), dtype=np.uint8)
    signed = write_clip(clip, tmp_path / "signed.mp4", credentials=GenerationFacts(model="tiny-vae", seed=5))
    drop(win.preview, signed)                                    # a video dropped on the window
    dlg = win.credentials_view.dialog
    assert dlg is not None and dlg.isVisible()
    text = dlg.text.toPlainText()
    assert text == format_credentials(read_credentials(signed))   # the text `studio credentials` prints
    assert "Integrity:    verified" in text and "Model:        tiny-vae" in text
    assert dlg.headline.text().startswith("Made by a model (tiny-vae, seed 5), credentials verified")
    assert dlg.text.isReadOnly()
    dlg.close()

    plain = write_clip(clip, tmp_path / "plain.gif")
    menu = win.menuBar().actions()[0].menu()
    item = next(a for a in menu.actions() if a.text().replace("&", "") == "Content Credentials of a File…")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(plain), ""))
    item.trigger()
    dlg = win.credentials_view.dialog
    assert dlg.text.toPlainText() == "plain.gif: this file carries no Content Credentials."
    assert dlg.headline.text() == dlg.text.toPlainText() and dlg.text.isHidden()   # one sentence, no empty box
    dlg.close()


def test_lesson_export_signs_as_the_settings_say_and_asks_when_it_cannot(models_env, qtbot, tmp_path):
    from studio.lesson.script import parse_script
    from studio.project import Project
    from studio.ui.lesson_dialog import LessonExportDialog
    chain, key = self_signed(tmp_path / "own")
    prefs = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    for k, v in ((SETTING_USE, "own"), (SETTING_CHAIN, str(chain)), (SETTING_KEY, str(key))):
        prefs.setValue(k, v)
    project = Project(model="tiny-vae", lesson=parse_script("1 | a large red circle moving right | Red.\n"))
    out = tmp_path / "out"
    out.mkdir()
    dlg = LessonExportDialog(project, str(out), "lesson", narration_available=False, prefs=prefs)
    qtbot.addWidget(dlg)
    dlg.size.setCurrentIndex(dlg.size.findData("256"))
    dlg.title_seconds.setValue(0)
    assert dlg.start()
    qtbot.waitUntil(lambda: dlg.signing.question is not None, timeout=120000)   # studio lesson could not sign
    box = dlg.signing.question
    assert "could not add content credentials to lesson.mp4: the certificate is invalid" in box.text().lower()
    assert "--no-credentials" not in box.text() and list(out.iterdir()) == []   # nothing kept, captions neither
    with qtbot.waitSignal(dlg.exported, timeout=120000):
        box.save.click()
    assert sorted(p.name for p in out.iterdir()) == ["lesson.mp4", "lesson.srt", "lesson.vtt"]
    assert not read_credentials(out / "lesson.mp4")["present"] and "without Content Credentials" in dlg.message.text()

    dlg.signing.group.identity.setCurrentIndex(dlg.signing.group.identity.findData("local"))
    dlg.signing.group.prompt.setChecked(True)
    dlg.path.setText(str(out / "signed.mp4"))
    with qtbot.waitSignal(dlg.exported, timeout=120000):
        assert dlg.start()
    info = read_credentials(out / "signed.mp4")
    assert info["validates"] and info["model"] == "tiny-vae" and info["prompt"] == "a large red circle moving right"
