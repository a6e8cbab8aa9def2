"""The signature block an operation's request may carry (docs/signing.md): the serializer every signed route nests as
`signed`, and what the service needs from the request."""

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request

from accounts.signing import SignedInput, signed_input


class SignedSerializer(serializers.Serializer):
    """A signature by one of the caller's certificates over the operation's canonical message."""

    certificate_id = serializers.IntegerField(min_value=1, help_text="the caller's bound certificate that signed")
    nonce = serializers.RegexField(
        r"^[A-Za-z0-9_-]{16,64}$", help_text="16–64 base64url characters, random, new for each operation"
    )
    signature = serializers.CharField(
        max_length=1400, help_text="base64 or base64url: ECDSA P-256 (raw r‖s or DER) or RSA PKCS#1 v1.5, SHA-256"
    )

    class Meta:
        ref_name = "SignedOperation"


def signed_of(validated: dict[str, Any]) -> SignedInput | None:
    """Take the `signed` block out of a serializer's validated data (None when absent)."""
    return signed_input(validated.pop("signed", None))


def session_certificate(request: Request) -> int | None:
    """The certificate the session signed in with (accounts/api/certificate_login.py), or None."""
    value = request.session.get("certificate_id")
    return value if isinstance(value, int) else None
