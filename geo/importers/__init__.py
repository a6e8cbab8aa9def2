"""Loading GIS files (Shapefile, GeoPackage, GeoJSON, KML, CSV) into regions, parcels and amenities."""
