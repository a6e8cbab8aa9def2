"""Data classification: every field of the models an endpoint, OGC collection, tile layer or search document exposes,
as public (anyone), owner (the owner or party, and staff in scope) or staff (staff in scope only).

The serializers, the OGC collections, the tile layers and the search documents take their public field lists from
here or are checked against them (core/tests/test_classification.py), so a new field stays private until it is
classified public on purpose. A field in `masked` is owner or staff data that the public sees in a masked form
(138****1234); its full value follows its class.
"""

import enum
from dataclasses import dataclass, field

from django.contrib.gis.db.models import GeometryField
from django.db import models


class Audience(enum.IntEnum):
    """Who looks: each audience sees its own fields and those of every audience below it."""

    PUBLIC = 0
    OWNER = 1
    STAFF = 2


@dataclass(frozen=True)
class Classes:
    public: frozenset[str]
    owner: frozenset[str] = frozenset()
    staff: frozenset[str] = frozenset()
    masked: frozenset[str] = field(default_factory=frozenset)


def _classes(public: str, owner: str = "", staff: str = "", masked: str = "") -> Classes:
    return Classes(
        frozenset(public.split()), frozenset(owner.split()), frozenset(staff.split()), frozenset(masked.split())
    )


_BOUNDARIES = "boundary_east boundary_west boundary_south boundary_north"
_PLANNING = "floor_area_ratio building_density green_ratio height_limit_m"

# Model label → its fields (field names; a foreign key by its name, e.g. `region`, not `region_id`).
CLASSIFICATION: dict[str, Classes] = {
    "geo.Region": _classes(
        "code name level parent abbreviation boundary boundary_simplified source updated_at",
    ),
    "geo.Parcel": _classes(
        f"id code geometry centroid area_m2 region address land_use land_nature use_right_type certificate_type"
        f" {_BOUNDARIES} {_PLANNING} buildings source created_at updated_at",
        # The certificate, its registration and the real-estate unit numbers identify the right holder: GIS staff in
        # scope only (parcels have no owner account).
        staff="certificate_number registration_authority unit_numbers",
    ),
    "geo.Amenity": _classes("id code category name location source updated_at"),
    "geo.BasemapFeature": _classes("id layer name geometry min_zoom max_zoom"),  # the offline basemap (public data)
    "geo.ImportJob": _classes(
        "", staff="id kind file options status processed total report language created_by created_at finished_at"
    ),
    "market.SupplyListing": _classes(
        f"id mode status title land_nature region use_right_type land_type land_use area_m2 right_end_date"
        f" lease_term_years address location outline {_BOUNDARIES} price_wan certificate_type with_buildings"
        f" investment_over_25 building_area_m2 building_structure {_PLANNING} notes institution agent_name"
        f" published_at certified_at expires_at view_count favourite_count quote_count appointment_count",
        # The parcel link leads to the parcel's legal attributes; the certificate, its registration authority and the
        # unit numbers are those of the parcel's right holder.
        owner="owner created_by parcel certificate_number registration_authority unit_numbers owner_nature"
        " owner_name owner_id_type owner_id_number owner_address owner_phone agent_id_number agent_phone"
        " agent_address reason submitted_at created_at updated_at",
        masked="agent_phone",
    ),
    "market.SupplyAttachment": _classes(
        # Public for photos and videos of a public listing only (market.selectors.supply.MEDIA_KINDS).
        "id kind original_name content_type size created_at",
        owner="listing file uploaded_by",
    ),
    "market.ChunkedUpload": _classes(
        "", owner="id user listing kind filename size received path status created_at updated_at"
    ),
    "market.SupplyChange": _classes(
        "", owner="id listing changes status reason requested_by reviewed_by reviewed_at created_at"
    ),
    "market.Demand": _classes(
        "id kind status title region location land_use land_nature area_min_m2 area_max_m2 price_min_wan"
        " price_max_wan years industry description contact_name registered_at expires_at view_count favourite_count",
        owner="owner created_by contact_phone reason created_at updated_at",
        masked="contact_phone",
    ),
    "market.PrimaryGrant": _classes(
        "",
        # The party that proves the bound phone sees its grant; the phone itself only the registry's staff.
        owner="id contract_number region address area_m2 land_use use_years supply_method industry land_grade"
        " grantee grantee_id_type grantee_id_number investment_ratio",
        staff="phone",
    ),
    "market.PreAnnouncement": _classes(
        "id status title contract_number region address area_m2 land_use use_years supply_method industry"
        " land_grade transferor id_type published_at expires_at",
        owner="owner contact_phone id_number reason created_at updated_at",
        masked="contact_phone id_number",
    ),
    "market.ReviewEvent": _classes(
        "", owner="id subject subject_id action from_status to_status actor reason created_at"
    ),
    "market.IntentionQuote": _classes(
        # The record (出价记录) of a public listing: amounts and times; who quoted is masked.
        "id listing amount_wan created_at",
        owner="user",
        masked="user",
    ),
    "market.ViewingAppointment": _classes("", owner="id listing user name phone visit_at viewed_at created_at"),
    "market.Favourite": _classes("", owner="id user target target_id created_at"),
    "market.ComparisonItem": _classes("", owner="id user listing created_at"),
    "market.PolicyDocument": _classes(
        # Public once published (published_at set).
        "id title category issuer document_number body attachment published_at updated_at",
        staff="created_by created_at",
    ),
    # The authorities that review each region's supply listings (审核机构), named by the deployer: public.
    "market.ReviewingAuthority": _classes("id region name"),
    "accounts.User": _classes(
        "",
        owner="id phone email kind role regions parent real_name verified_at contact_address email_verified_at"
        " date_joined last_login",
        # `password` (a hash) is never serialized to anyone.
        staff="password is_superuser is_staff is_active",
    ),
    "accounts.RealNameVerification": _classes(
        "",
        owner="id user kind name id_number licence id_front id_back status reason reviewed_by reviewed_at created_at",
    ),
    # The audit of who viewed a verification's document: administrators and supervisors read it.
    "accounts.VerificationDocumentView": _classes("", staff="id verification document viewer client_address viewed_at"),
    "accounts.Message": _classes("", owner="id user category title body link read_at created_at"),
    # Digital certificates: the CAs the platform trusts are public (anyone may check a signature offline against
    # them); a user's certificate carries its verified name and ID number, so it is its holder's (and staff's in scope:
    # who signed what).
    "accounts.TrustedCa": _classes(
        "id name certificate subject fingerprint_sha256 crl_url ocsp_url active", staff="created_at"
    ),
    "accounts.UserCertificate": _classes(
        "",
        owner="id user issuer certificate serial subject fingerprint_sha256 key_algorithm not_before not_after status"
        " bound_at checked_at ended_at ended_reason",
    ),
    # A signed operation names its signer's certificate: its signer's, and staff's in scope (who signed what); the
    # public protocol carries only the record's hash (docs/signing.md).
    "accounts.OperationSignature": _classes(
        "", owner="id certificate signer action message signature nonce record_sha256 created_at"
    ),
    # Trading (auctions): rules, centres, published lots and announcements are public; an entrustment is its owner's
    # and its centre's; who registered or published what is staff data.
    "auctions.Bank": _classes("id code name account_prefix"),
    "auctions.RuleProfile": _classes(
        "id name source is_preset countdown_seconds increment_multiples raise_cap_increments quoting_stop_seconds"
        " quoting_stop_min_bidders timed_entry timed_entry_confirm_seconds auction_conversion conversion_min_bidders"
        " conversion_window_seconds conversion_preparation_seconds reserve_entry reserve_lead_seconds"
        " reserve_final_window_seconds certificates_required created_at updated_at"
    ),
    "auctions.TradingCentre": _classes(
        # (its banks and staff are many-to-many relations, not fields: banks are public, staff lists are not shown)
        "id name region address phone contact rule_profile bond_payee bond_bank bond_account is_active created_at",
    ),
    "auctions.Entrustment": _classes(
        "",
        owner=f"id owner created_by listing status mode centre title hide_result land_nature region use_right_type"
        f" outline land_type land_use area_m2 right_end_date term_years address location parcel {_BOUNDARIES} price_wan"
        " certificate_type certificate_number registration_authority unit_numbers with_buildings investment_over_25"
        " floor_area_ratio notes owner_nature owner_name owner_id_type owner_id_number owner_address owner_phone"
        " agent_name agent_id_number agent_phone agent_address reason bond_yuan bond_payment_details decided_by"
        " submitted_at decided_at created_at updated_at",
    ),
    "auctions.EntrustmentAttachment": _classes(
        "", owner="id entrustment kind file original_name content_type size sha256 uploaded_by created_at"
    ),
    "auctions.Lot": _classes(
        "id number centre door kind transfer trading_mode process status title region address listing parcel area"
        " location area_m2 land_use term_years transferor conditions start_price_wan increment_wan deposit_wan"
        " publish_result announcement_starts_at applications_open_at applications_close_at deposit_deadline"
        " listing_starts_at listing_ends_at auction_starts_at rules registered_at created_at updated_at",
        staff="entrustment grantor reason registered_by",
    ),
    "auctions.LotDocument": _classes("id lot title file original_name content_type size sha256 created_at"),
    "auctions.Serial": _classes("", staff="id centre series year last"),
    "auctions.Announcement": _classes(
        "id lot kind status number title body supersedes published_at created_at", staff="published_by"
    ),
    # Who did what in trading, and when: supervisors and administrators read it.
    "auctions.TradingEvent": _classes("", staff="id action entrustment lot announcement actor region note created_at"),
    # The evidence log: staff in scope read it; a lot's protocol is exported for verification (bidders appear in it
    # by their bidder numbers only).
    "auctions.EvidenceEntry": _classes("", staff="id lot seq kind data created_at prev_hash hash"),
    # A bidder's application, deposit account, arrivals and qualification: the bidder's and its centre's only; no
    # bidder sees another's (a bidder number appears in the trading room without the identity behind it).
    "auctions.BidApplication": _classes(
        "",
        owner="id lot applicant created_by status contact_name contact_phone address statement joint partners"
        " publish_price bank reason decided_by submitted_at decided_at created_at",
    ),
    "auctions.ApplicationDocument": _classes(
        "", owner="id application title file original_name content_type size sha256 created_at"
    ),
    "auctions.DepositAccount": _classes("", owner="id application bank number opened_at created_at"),
    "auctions.DepositArrival": _classes(
        "",
        owner="id bank serial account_number account amount_yuan payer_name payer_account channel arrived_at"
        " received_at counted flag refund_status",
    ),
    "auctions.Qualification": _classes(
        "", owner="id application lot bidder_number manual proof reason issued_by issued_at"
    ),
    # The trade: its state and the accepted bids are public by bidder number (who bid is the bidder's and staff's);
    # the sealed reserve is nobody's until the close, when `reserve_revealed_wan` is written and shown.
    "auctions.LotTrading": _classes(
        "lot highest_bid bid_count countdown_ends_at timed_started_at suspended_at suspended_reason frozen_seconds"
        " closed_at outcome reserve_revealed_wan",
        owner="reserve_entered_at",  # when the seller sealed the reserve (not the amount)
        staff="reserve_ciphertext reserve_commitment",
    ),
    "auctions.Bid": _classes("id lot amount_wan stage arrived_at evidence_seq", owner="qualification client_bid_id"),
    "auctions.TimedEntry": _classes("", owner="id lot qualification confirmed_at"),
    # What a bank's statement and our records disagree on: the centres' staff read it.
    "auctions.ReconciliationDifference": _classes("", staff="id bank day kind serial arrival found_at"),
    # A trade's result (成交公示): public once decided, the price unless both sides opted out (price_public); the
    # staff's record of who recorded or revoked it and the confirmation scans are staff's. Published identity: for a
    # deal that is not revoked, the winner is named in public by its bidder number (Qualification.bidder_number) and
    # its verified name (the applicant's User.real_name, a person's or an enterprise's), on the lot and result pages,
    # the lot API's `result`, the notice index (winner_number, winner_name) and the protocol's `result` block — those
    # two values only, by auctions/selectors_results.py; every other field of the winner stays its own.
    "auctions.LotResult": _classes(
        "lot outcome source winner price_wan price_public reason decided_at revoked_at revoked_reason",
        owner="confirmation confirmation_name confirmation_sha256",
        staff="recorded_by revoked_by revocation revocation_name revocation_sha256",
    ),
    # Refunds and the winner's conversion: the bidder's own and its centre's staff.
    "auctions.DepositMovement": _classes(
        "",
        owner="arrival kind amount_yuan to_account cause status bank_ref attempts last_error created_at sent_at"
        " done_at",
    ),
    # Published roots over the evidence chains: public; the leaves (every lot's id and chain head, lots whose protocol
    # is not public among them) are staff's: a protocol carries its own leaf and proof only (selectors_roots.py).
    "auctions.SignedRoot": _classes("id tree_size root signed_at signature key_id", staff="leaves"),
    # Supervision warnings (监管预警): the supervisors of the lot's region and its centre's staff.
    "auctions.Anomaly": _classes("", staff="id lot kind detail created_at"),
    # Contracts (合同网签赋码). Public: what the verification page (by its token) and the 直接交易 list show of a coded
    # contract — its number, kind, status, the parcel's location, region, use, nature, area and outline, the coding and
    # revocation dates, the signed copy's SHA-256, and the price or rent unless a party opted out (a_/b_publish_price,
    # applied by contracts/selectors_public.py). Everything about the parties is theirs (and the reviewing authority's);
    # ID numbers and phones are masked on the PDF.
    "contracts.Contract": _classes(
        "kind status number address region land_use use_right_type land_nature area_m2 location outline price_wan"
        " rent_wan_per_year coded_at revoked_at signed_scan_sha256",
        owner="id origin listing lot initiator counterparty a_name a_id_number a_phone a_address a_postcode a_fax"
        " a_bank a_account a_publish_price b_name b_id_number b_phone b_address b_postcode b_fax b_bank b_account"
        " b_publish_price plane_boundary upper_boundary lower_boundary height_difference_m certificate_type"
        " certificate_number unit_numbers payment_schedule term_years delivery_date institution signed_scan"
        " signed_scan_name signed_scan_content_type verify_token reason created_at updated_at submitted_at confirmed_at"
        " scan_confirmed_at",
        staff="reviewed_by",
        masked="a_id_number b_id_number a_phone b_phone",
    ),
    "contracts.ContractAttachment": _classes(
        "", owner="id contract kind file original_name content_type size sha256 uploaded_by created_at"
    ),
    "contracts.ContractEvent": _classes("", owner="id contract action actor note created_at signature"),
    "contracts.Revocation": _classes(
        "", owner="id contract applicant reason status decision_reason created_at decided_at", staff="decided_by"
    ),
    "contracts.RevocationDocument": _classes(
        "", owner="id revocation file original_name content_type size sha256 created_at"
    ),
    "contracts.CodingSerial": _classes("", staff="id county_code kind year last"),
    "auctions.AnnouncementDocument": _classes(
        "id announcement title file original_name content_type size sha256 created_at"
    ),
}


def _label(model: type[models.Model] | str) -> str:
    return model if isinstance(model, str) else model._meta.label


def classes_of(model: type[models.Model] | str) -> Classes:
    """The model's classification; KeyError for a model nobody classified."""
    return CLASSIFICATION[_label(model)]


def public_fields(model: type[models.Model] | str) -> frozenset[str]:
    return classes_of(model).public


def fields_for(model: type[models.Model] | str, audience: Audience) -> frozenset[str]:
    """The fields `audience` may see in full: the public ones, plus the owner's for owners, plus staff's for staff."""
    classes = classes_of(model)
    shown = set(classes.public)
    if audience >= Audience.OWNER:
        shown |= classes.owner
    if audience >= Audience.STAFF:
        shown |= classes.staff
    return frozenset(shown)


def public_columns(model: type[models.Model]) -> tuple[str, ...]:
    """The model's public attributes as columns of raw SQL outputs (OGC items): its public concrete fields in the
    model's order, by attribute name (`region_id`), without geometries or an automatic id."""
    public = public_fields(model)
    return tuple(
        field.attname
        for field in model._meta.concrete_fields
        if field.name in public and not isinstance(field, (GeometryField, models.AutoField, models.BigAutoField))
    )
