"""Vector tiles (MVT) from PostGIS, TileJSON and tile caching."""
