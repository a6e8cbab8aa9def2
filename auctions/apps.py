"""App configuration."""

from django.apps import AppConfig


class AuctionsConfig(AppConfig):
    name = "auctions"

    def ready(self) -> None:
        from accounts import certificate_requirements
        from auctions.selectors import certificate_requirement

        certificate_requirements.register(certificate_requirement)  # who must sign in with a certificate
