"""Who signs Content Credentials: the local signing identity, or the user's own certificate and key.

At first use the app makes a local identity in the user's config folder
(`platformdirs.user_config_dir("latent-studio")`, or $LATENT_STUDIO_CONFIG):

    credentials/                 0700
        signing-chain.pem        0600  the signing certificate, then the local CA's certificate
        signing-key.pem          0600  the signing key (EC P-256, PKCS#8)
        local-ca.pem             0600  the local CA's certificate alone (a trust anchor, to trust on purpose)

The local CA's private key is thrown away once it has issued the signing certificate, so nothing can
issue another certificate in its name. The certificates follow the C2PA certificate profile (X.509 v3,
an end-entity certificate that is not a CA, digitalSignature key usage, the emailProtection and
documentSigning extended key usages, key identifiers), so readers accept the signature as well formed
but say "untrusted signer": no trust list knows a CA made on this computer. A user or a school
with a certificate from a CA on the C2PA trust list points the app at that chain and key instead
(`SigningIdentity`, `identity_from_settings`).
"""
from __future__ import annotations

import datetime
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..basics.errors import StudioError

ENV = "LATENT_STUDIO_CONFIG"          # overrides the user's config folder (tests, portable installs)
FOLDER = "credentials"
CHAIN, KEY, CA = "signing-chain.pem", "signing-key.pem", "local-ca.pem"
LOCAL_ORGANIZATION = "Latent Studio local identity"   # the O= of the local certificates (readers show it)
VALID_YEARS = 10
# settings keys (QSettings or any mapping): a user's own certificate chain and key; which identity
# signs ("local" or "own"; absent: their own when chain and key are named)
SETTING_CHAIN, SETTING_KEY, SETTING_ALG = "credentials/cert_chain", "credentials/key", "credentials/alg"
SETTING_USE = "credentials/identity"


@dataclass(frozen=True)
class SigningIdentity:
    """A PEM certificate chain (the signing certificate first) and its PEM private key.
    alg: es256, es384, es512, ps256, ps384, ps512 or ed25519; None takes it from the key (P-256 es256, P-384 es384, P-521 es512, RSA ps256,
    Ed25519 ed25519)."""
    cert_chain_path: Path
    key_path: Path
    alg: str | None = None
    local: bool = False            # the app's own local identity (readers say "untrusted signer")


def config_dir() -> Path:
    """The user's config folder for Latent Studio (platformdirs), or $LATENT_STUDIO_CONFIG."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    import platformdirs
    return Path(platformdirs.user_config_dir("latent-studio", appauthor=False))


def identity_folder() -> Path:
    return config_dir() / FOLDER


def local_identity(create: bool = True) -> SigningIdentity | None:
    """The local identity, made at first use (create=False: None when there is none yet)."""
    folder = identity_folder()
    if not (folder / KEY).is_file():
        if not create:
            return None
        _create(folder)
    for p, mode in ((folder, 0o700), (folder / CHAIN, 0o600), (folder / KEY, 0o600), (folder / CA, 0o600)):
        if p.exists() and stat.S_IMODE(p.stat().st_mode) & 0o077:    # keep them user-only if something
            os.chmod(p, mode)                                       # loosened them
    return SigningIdentity(folder / CHAIN, folder / KEY, "es256", local=True)


def identity_from_settings(settings) -> SigningIdentity:
    """The user's own certificate chain and key when the settings name them, else the local identity.
    settings: a QSettings (anything with value(key)) or a mapping, keys SETTING_CHAIN, SETTING_KEY and
    optionally SETTING_ALG; SETTING_USE "local" picks the local identity even when they are named (the
    app keeps the paths for when the user picks their own again), "own" requires them. Naming only
    one of chain and key is an error."""
    def get(key):
        value = settings.value(key) if hasattr(settings, "value") else settings.get(key)
        return str(value).strip() if value not in (None, "") else None
    chain, key, alg, use = get(SETTING_CHAIN), get(SETTING_KEY), get(SETTING_ALG), get(SETTING_USE)
    if use == "local" or (not chain and not key and use != "own"):
        return local_identity()
    if not chain or not key:
        raise StudioError("a signing certificate needs both a certificate chain file and a key file")
    identity = SigningIdentity(Path(chain).expanduser(), Path(key).expanduser(), alg.lower() if alg else None)
    load_pem(identity)                     # fails now, with the reason, rather than at the first export
    return identity


def load_pem(identity: SigningIdentity) -> tuple[bytes, bytes, str]:
    """(chain PEM, key PEM, alg) checked: both readable, the key belongs to the first certificate,
    the algorithm fits the key. Raises StudioError."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    chain, key = (_read(p, what) for p, what in ((identity.cert_chain_path, "certificate chain"),
                                                  (identity.key_path, "signing key")))
    try:
        certs = x509.load_pem_x509_certificates(chain)
    except ValueError:
        certs = []
    if not certs:
        raise StudioError(f"{identity.cert_chain_path} holds no PEM certificate")
    try:
        private = serialization.load_pem_private_key(key, password=None)
    except (ValueError, TypeError) as e:
        why = "it is protected by a password" if "password" in str(e).lower() else "it is not an unencrypted PEM private key"
        raise StudioError(f"cannot use the signing key {identity.key_path}: {why}") from None
    spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if private.public_key().public_bytes(*spki) != certs[0].public_key().public_bytes(*spki):
        raise StudioError(f"the signing key {identity.key_path} does not belong to the first certificate "
                          f"in {identity.cert_chain_path}")
    fitting = _algs_for(private)
    if not fitting:
        raise StudioError(f"the signing key {identity.key_path} is of a kind C2PA cannot sign with; "
                          f"use an EC (P-256, P-384, P-521), RSA or Ed25519 key")
    alg = identity.alg or fitting[0]
    if alg not in fitting:
        raise StudioError(f"the signing algorithm {alg!r} does not fit the key {identity.key_path}; "
                          f"use {' or '.join(fitting)}")
    return chain, key, alg


def _read(path: Path, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as e:
        raise StudioError(f"cannot read the {what} {path}: {e.strerror or e}") from None


def _algs_for(private) -> tuple[str, ...]:
    """The C2PA algorithms that fit the key, the usual one first; () for a key C2PA cannot use."""
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
    if isinstance(private, ec.EllipticCurvePrivateKey):
        alg = {"secp256r1": "es256", "secp384r1": "es384", "secp521r1": "es512"}.get(private.curve.name)
        return (alg,) if alg else ()
    if isinstance(private, rsa.RSAPrivateKey):
        return ("ps256", "ps384", "ps512")
    if isinstance(private, ed25519.Ed25519PrivateKey):
        return ("ed25519",)
    return ()


def _create(folder: Path) -> None:
    """Writes the three files into a fresh 0700 folder beside `folder`, then renames it into place,
    so that two processes at first use end with one whole identity."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{FOLDER}.", dir=folder.parent))     # mkdtemp makes 0700
    except OSError as e:
        raise StudioError(f"cannot make a signing identity in {folder.parent}: {e.strerror or e}") from None
    try:
        for name, data in make_identity_pem().items():
            fd = os.open(tmp / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
        os.chmod(tmp, 0o700)
        if folder.exists() and not (folder / KEY).is_file():
            shutil.rmtree(folder)                   # a half-made folder from an older crash
        try:
            os.rename(tmp, folder)
        except OSError:
            if not (folder / KEY).is_file():        # not another process winning the race
                raise
    except OSError as e:
        raise StudioError(f"cannot make a signing identity in {folder}: {e.strerror or e}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def make_identity_pem(common_name: str = "Latent Studio local signer") -> dict[str, bytes]:
    """{CHAIN, KEY, CA: PEM bytes}: a new local CA (its key not kept) and an EC P-256 signing
    certificate it issued, to the C2PA certificate profile."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
    until = now + datetime.timedelta(days=365 * VALID_YEARS)

    def name(cn):
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, LOCAL_ORGANIZATION)])

    def usage(**on):
        flags = dict.fromkeys(("digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
                               "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only"), False)
        return x509.KeyUsage(**{**flags, **on})

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = name("Latent Studio local CA")
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now).not_valid_after(until)
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(usage(key_cert_sign=True, crl_sign=True), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    leaf = (x509.CertificateBuilder().subject_name(name(common_name)).issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now).not_valid_after(until)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(usage(digital_signature=True), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION,
                                                  x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")]),  # documentSigning
                           critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    return {CHAIN: leaf.public_bytes(pem) + ca.public_bytes(pem),
            KEY: key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
            CA: ca.public_bytes(pem)}
