"""Content Credentials in the export dialogs (clip and lesson): the settings group, what an export is
to sign with, and the question asked when it cannot be signed (`ExportSigning`).

Every choice goes straight into QSettings (the keys below, and the identity keys that
`credentials_identity.identity_from_settings` reads); an export reads them back from QSettings with
`signing_choices`, never from the widgets.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QMessageBox, QPushButton, QWidget)

from ..basics.errors import StudioError
from ..media.credentials_identity import SETTING_CHAIN, SETTING_KEY, SETTING_USE, identity_from_settings

ENABLED, PROMPT = "credentials/enabled", "credentials/include_prompt"
LOCAL, OWN = "local", "own"
PEM_FILTER = "PEM files (*.pem *.crt *.cer *.key);;All files (*)"

SIGN_TIP = ("Mark the file as made by a model, with C2PA Content Credentials: the model, its version and the "
            "seed, signed so that readers can tell whether the file changed since. MP4, GIF and PNG are signed; "
            "a WebM gets the same facts as unsigned tags.")
PROMPT_TIP = ("Write the prompt into the credentials too. Off by default: a prompt can be private, and anyone "
              "who has the file can read it.")
IDENTITY_TIP = ("Who signs. The local identity is made on this computer: readers show the file as made by a model "
                "and unchanged, but call the signer \u201cuntrusted\u201d, since no trust list knows it. A certificate "
                "from a CA on the C2PA trust list (a school's or a company's) makes you a trusted signer.")


def signing_choices(prefs) -> tuple[bool, bool]:
    """(sign, record the prompt) as the user left them in QSettings: signing on, the prompt off by default."""
    return prefs.value(ENABLED, True, type=bool), prefs.value(PROMPT, False, type=bool)


class CredentialsGroup(QObject):
    """Sign or not, record the prompt or not, and who signs (the local identity or the user's own
    certificate chain and key, chosen as PEM files): rows under a "Content Credentials" heading in the
    dialog's form, so that they line up with its other fields. setEnabled(False) while an export runs."""

    def __init__(self, prefs, form: QFormLayout, parent=None):
        super().__init__(parent)
        self.prefs, self.form = prefs, form
        self.enabled = True
        heading = QLabel("CONTENT CREDENTIALS")
        heading.setObjectName("sectionTitle")
        heading.setToolTip(SIGN_TIP)
        self.sign = QCheckBox("Sign with Content Credentials")
        self.sign.setToolTip(SIGN_TIP)
        self.prompt = QCheckBox("Record the prompt")
        self.prompt.setToolTip(PROMPT_TIP)
        self.identity = QComboBox()
        self.identity.addItem("Latent Studio local identity (untrusted)", LOCAL)
        self.identity.addItem("Your certificate\u2026", OWN)
        self.identity.setToolTip(IDENTITY_TIP)
        self.chain, chain_row = self._file_row(SETTING_CHAIN, "The signing certificate first, then the CAs that "
                                               "issued it (PEM)")
        self.key, key_row = self._file_row(SETTING_KEY, "The private key of the signing certificate (PEM, "
                                           "without a password)")
        form.addRow(heading)
        form.addRow("", self.sign)
        form.addRow("", self.prompt)
        form.addRow("Signed by", self.identity)
        form.addRow("Certificate", chain_row)
        form.addRow("Key", key_row)
        self.rows = (chain_row, key_row)

        self.sign.setChecked(signing_choices(prefs)[0])
        self.prompt.setChecked(signing_choices(prefs)[1])
        own = str(prefs.value(SETTING_USE) or "") == OWN or (prefs.value(SETTING_USE) is None and bool(
            prefs.value(SETTING_CHAIN)))
        self.identity.setCurrentIndex(self.identity.findData(OWN if own else LOCAL))
        self.sign.toggled.connect(lambda on: self._store(ENABLED, on))
        self.prompt.toggled.connect(lambda on: self._store(PROMPT, on))
        self.identity.currentIndexChanged.connect(lambda _i: self._store(SETTING_USE, self.identity.currentData()))
        self.identity.activated.connect(self._ask_for_files)
        self._follow()

    def setEnabled(self, on: bool) -> None:                 # noqa: N802 (a widget's name: dialogs loop over both)
        self.enabled = on
        self._follow()

    def _file_row(self, key: str, tip: str) -> tuple[QLineEdit, QWidget]:
        edit = QLineEdit(str(self.prefs.value(key) or ""))
        edit.setPlaceholderText("a .pem file")
        edit.setToolTip(tip)
        edit.textChanged.connect(lambda text: self._store(key, text.strip()))
        browse = QPushButton("Browse\u2026")
        browse.clicked.connect(lambda: self._browse(edit))
        row = QWidget()
        lay = QHBoxLayout(row)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(edit, 1)
        lay.addWidget(browse)
        return edit, row

    def _store(self, key: str, value) -> None:
        self.prefs.setValue(key, value)
        self._follow()

    def _follow(self) -> None:
        """What can be chosen follows what is chosen: no prompt or signer without signing, the files only
        for the user's own certificate."""
        self.sign.setEnabled(self.enabled)
        on = self.enabled and self.sign.isChecked()
        self.prompt.setEnabled(on)
        self.identity.setEnabled(on)
        own = self.identity.currentData() == OWN
        for row in self.rows:
            row.setEnabled(on)
            self.form.setRowVisible(row, own)

    def _ask_for_files(self, _index: int) -> None:
        """Picking "Your certificate…" with no files chosen yet asks for them at once."""
        if self.identity.currentData() != OWN:
            return
        for edit in (self.chain, self.key):
            if not edit.text().strip() and not self._browse(edit):
                return

    def _browse(self, edit: QLineEdit) -> bool:
        title = "Choose the certificate chain (PEM)" if edit is self.chain else "Choose the private key (PEM)"
        start = edit.text().strip() or str(Path.home())
        path = QFileDialog.getOpenFileName(edit.window(), title, start, PEM_FILTER)[0]
        if path:
            edit.setText(path)
        return bool(path)


class ExportSigning(QObject):
    """An export dialog's Content Credentials: the settings rows (`group`, added to the dialog's form),
    what the next export signs with (`choices`), and the question when signing fails (`failed`). The
    dialog has `start(unsigned=...)` and `_say(text, error=...)`."""

    def __init__(self, dialog, prefs, form: QFormLayout):
        super().__init__(dialog)
        self.dialog, self.prefs = dialog, prefs
        self.group = CredentialsGroup(prefs, form, self)
        self.signed = True                        # the export under way signs its file
        self.question: QMessageBox | None = None  # "save without credentials?" while it is open

    def choices(self, unsigned: bool = False) -> tuple | None:
        """(sign, record the prompt, SigningIdentity or None) for the next export, as the settings ask
        (unsigned: not signed, this once); None when the identity cannot sign (the user is asked)."""
        sign, with_prompt = signing_choices(self.prefs)
        self.signed = sign and not unsigned
        if not self.signed:
            return False, with_prompt, None
        try:
            return True, with_prompt, identity_from_settings(self.prefs)
        except StudioError as e:              # a certificate that cannot be read: ask before drawing anything
            self.failed(f"could not sign with Content Credentials: {e}")
            return None

    def failed(self, sentence: str) -> None:
        """Signing failed and nothing was written: ask whether to save the export without credentials."""
        self.dialog._say(f"{sentence[:1].upper()}{sentence[1:].rstrip('.')}. Nothing was saved.", error=True)
        self.question = ask_save_unsigned(self.dialog, sentence, self._answered)

    def _answered(self, save_unsigned: bool) -> None:
        self.question = None
        if save_unsigned:
            self.dialog.start(unsigned=True)


def ask_save_unsigned(parent, sentence: str, answered) -> QMessageBox:
    """Asks, window-modal, whether to save an export that could not be signed without its credentials;
    answered(True) for "Save without credentials", answered(False) for Cancel. Nothing has been written
    meanwhile. Returns the open box (tests press its buttons)."""
    text = sentence[:1].upper() + sentence[1:]
    box = QMessageBox(QMessageBox.Icon.Warning, "Could not sign the export",
                      text if text.endswith(".") else text + ".", QMessageBox.StandardButton.NoButton, parent)
    box.setInformativeText("Nothing was saved. Save it without Content Credentials (nothing will show that a "
                           "model made it), or cancel and check the signing settings?")
    box.save = box.addButton("Save without credentials", QMessageBox.ButtonRole.AcceptRole)
    box.cancel = box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(box.cancel)
    box.setEscapeButton(box.cancel)
    box.finished.connect(lambda _r: answered(box.clickedButton() is box.save))
    box.open()
    return box
