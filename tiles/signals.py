"""Invalidation of the tile cache: when a transaction that saved or deleted rows a layer draws commits, the layer's
data version is bumped (tiles.cache), so its cached tiles and ETags are stale at once.

Receivers are connected for every model a layer names in `sources` (tiles.layers): SupplyListing (every service
path saves it: create, edit, review, delist, expire, delete; status changes with update_fields), Demand, Parcel,
Region, Amenity. Counter updates (views, favourites, quotes, viewings) are left out: their services use
QuerySet.update(), which sends no signal, and a save of counters alone is ignored here. Rows loaded with COPY by the
geo importers send `geo.signals.bulk_loaded`, which bumps every layer drawn from geo's tables.
"""

from functools import partial
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from geo.signals import bulk_loaded
from tiles.cache import layers_bump
from tiles.layers import LAYERS

# Fields whose change no tile shows (heat counters, timestamps).
UNDRAWN_FIELDS = frozenset({"view_count", "favourite_count", "quote_count", "appointment_count", "updated_at"})


def layers_of(label: str) -> list[str]:
    """The layers drawn from the model `app_label.Model`."""
    return [layer.name for layer in LAYERS.values() if label in layer.sources]


def rows_changed(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    if update_fields is not None and set(update_fields) <= UNDRAWN_FIELDS:
        return
    transaction.on_commit(partial(layers_bump, layers_of(sender._meta.label)))


def geo_bulk_loaded(sender: Any, **kwargs: Any) -> None:
    geo_layers = [layer.name for layer in LAYERS.values() if any(s.startswith("geo.") for s in layer.sources)]
    transaction.on_commit(partial(layers_bump, geo_layers))


def connect() -> None:
    """Called once from TilesConfig.ready()."""
    labels = sorted({label for layer in LAYERS.values() for label in layer.sources})
    for label in labels:
        model = apps.get_model(label)
        post_save.connect(rows_changed, sender=model, dispatch_uid=f"tiles.saved.{label}")
        post_delete.connect(rows_changed, sender=model, dispatch_uid=f"tiles.deleted.{label}")
    bulk_loaded.connect(geo_bulk_loaded, dispatch_uid="tiles.geo_bulk_loaded")
