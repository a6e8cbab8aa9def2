"""manage.py ca_trust: trust a certificate authority (its certificate from a file or a URL, its CRL and OCSP URLs)."""

import urllib.request
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.certificates import trusted_ca_save
from core.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Trust a certificate authority: users' certificates must chain to a trusted CA (docs/certificates.md). "
        "Idempotent: a CA already trusted (same certificate) gets the name and URLs given and is made active again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="the CA's name as users see it")
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--pem", type=Path, help="a file holding the CA's certificate (PEM)")
        source.add_argument("--pem-url", help="where the CA publishes its certificate (PEM), e.g. http://…/ca.pem")
        parser.add_argument("--crl-url", default="", help="the CA's CRL (DER or PEM)")
        parser.add_argument("--ocsp-url", default="", help="the CA's OCSP responder")

    def handle(self, *args: Any, name: str, pem: Path | None, pem_url: str | None, **options: Any) -> None:
        text = pem.read_text() if pem else self._download(str(pem_url))
        try:
            trusted = trusted_ca_save(name=name, pem=text, crl_url=options["crl_url"], ocsp_url=options["ocsp_url"])
        except ApplicationError as error:
            raise CommandError(f"not trusted: {error.code}: {error.fields or error.message}") from error
        self.stdout.write(f"trusted CA {trusted.pk}: {trusted.name} ({trusted.subject})")
        self.stdout.write(f"  SHA-256 {trusted.fingerprint_sha256}")

    def _download(self, url: str) -> str:
        if not url.startswith(("http://", "https://")):
            raise CommandError("--pem-url must be an http(s) URL")
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - checked above
                return str(response.read().decode())
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"could not download {url}: {error}") from error
