"""OGC API - Features for regions, parcels and amenities: views.py answers, queries.py reads PostGIS."""
