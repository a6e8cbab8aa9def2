"""Signals of geo for apps that must follow its data without geo importing them (tiles' cache)."""

from django.dispatch import Signal

# Sent by the importers after rows were loaded with COPY (no post_save per row), inside the import's transaction;
# keyword argument `table`: the table COPY wrote (a temporary staging table, or geo_parcel in a bulk load).
bulk_loaded = Signal()
