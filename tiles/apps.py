"""App configuration: connects the receivers that invalidate cached tiles when their rows change."""

from django.apps import AppConfig


class TilesConfig(AppConfig):
    name = "tiles"
    verbose_name = "Tiles"

    def ready(self) -> None:
        from tiles import signals

        signals.connect()
