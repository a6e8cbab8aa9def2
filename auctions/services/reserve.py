"""The sealed reserve price (底价): encrypted on entry with the platform's reserve public key (RSA-OAEP with SHA-256),
committed in the evidence log as SHA-256(salt ‖ amount), and opened only by the process that closes lots, which
alone is given the private key (RESERVE_PRIVATE_KEY_FILE). No response, log line or error carries the amount before
the close."""

import hashlib
import json
import secrets
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from core import money
from core.errors import ServiceUnavailable
from core.keys import read_key_file, write_key_pair

OAEP = padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


@dataclass(frozen=True)
class Sealed:
    ciphertext: bytes
    commitment: str  # hex SHA-256(salt bytes ‖ amount text)


def commitment(salt_hex: str, amount: Decimal) -> str:
    return hashlib.sha256(bytes.fromhex(salt_hex) + str(amount).encode("ascii")).hexdigest()


def _key_file(setting: str) -> bytes:
    return read_key_file(setting, missing_code="reserve_key_missing")


def seal(amount: Decimal, salt: str | None = None) -> Sealed:
    """Encrypt the amount with its salt and commit to both. The amount is written with exactly four places, so the
    commitment a browser computed for a signed entry (docs/signing.md) is the one kept and the one the close checks;
    `salt` (32 hex, the client's) only when the entry is signed, else a new random one."""
    public_key = serialization.load_pem_public_key(_key_file("RESERVE_PUBLIC_KEY_FILE"))
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise ServiceUnavailable(code="reserve_key_invalid")
    amount = Decimal(money.text(amount, money.WAN_PLACES))
    salt = salt or secrets.token_hex(16)
    plaintext = json.dumps({"amount": str(amount), "salt": salt}).encode("ascii")
    return Sealed(ciphertext=public_key.encrypt(plaintext, OAEP), commitment=commitment(salt, amount))


def unseal(ciphertext: bytes) -> tuple[Decimal, str]:
    """The amount and its salt (the closing process only: the private key is configured nowhere else)."""
    private_key = serialization.load_pem_private_key(_key_file("RESERVE_PRIVATE_KEY_FILE"), password=None)
    if not isinstance(private_key, rsa.RSAPrivateKey):
        raise ServiceUnavailable(code="reserve_key_invalid")
    opened = json.loads(private_key.decrypt(bytes(ciphertext), OAEP))
    return Decimal(opened["amount"]), opened["salt"]


def new_key_pair(directory: Path) -> tuple[Path, Path]:
    """A reserve key pair as PEM files (deployment: the private one goes only to the closing worker)."""
    return write_key_pair(
        rsa.generate_private_key(public_exponent=65537, key_size=3072),
        private=directory / "reserve_private.pem",
        public=directory / "reserve_public.pem",
    )
