"""Admin regions, parcels and amenities; data import; spatial queries; OGC API Features."""
