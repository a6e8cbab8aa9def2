"""manage.py import_parcels PATH: load parcels (宗地) from Shapefile, GeoPackage, GeoJSON, KML or CSV."""

from geo.importers.command import ImportCommand
from geo.importers.parcels import SPECS


class Command(ImportCommand):
    help = "Load parcels from a file or a directory; re-running updates parcels by code."
    kind = "parcels"
    specs = SPECS
