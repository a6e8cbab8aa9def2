"""Key pairs as PEM files, for the keys a deployment generates once (the reserve's, the roots'): the private key in
PKCS #8 readable by its owner only (created with mode 0600, never world-readable for a moment), the public key in
SubjectPublicKeyInfo."""

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from django.conf import settings

from core.errors import ServiceUnavailable

PrivateKey = rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey


def write_key_pair(key: PrivateKey, *, private: Path, public: Path) -> tuple[Path, Path]:
    """Write `key` to `private` and its public half to `public`; returns (public, private)."""
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    descriptor = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    private.chmod(0o600)  # an existing file keeps its mode through O_CREAT
    public.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return public, private


def read_key_file(setting: str, *, missing_code: str) -> bytes:
    """The PEM bytes of the file the setting names; 503 with `missing_code` (which key, nothing about a lot) when the
    setting is empty or the file is absent (the process was not given that key)."""
    path = getattr(settings, setting, "")
    if not path or not Path(path).is_file():
        raise ServiceUnavailable(code=missing_code)
    return Path(path).read_bytes()
