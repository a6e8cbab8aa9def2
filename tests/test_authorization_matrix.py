"""The authorization matrix: every URL pattern × method of the URL conf × every role, against one written table.

A route or method with no row fails the suite, so a new endpoint cannot ship without a decision on who may call it.
A cell passes when the role is let through (any answer but 401/403, a 404 for an object the role may not see, a
redirect to the sign-in page, or a 5xx) exactly when the table says so. Each request runs in a transaction that
is rolled back, so one role's write never changes what the next role meets. The records are the canary's
(tests/test_private_fields.py `world`): everything belongs to `owner` and lies in 锦江区 (510104).
"""

import io
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, get_resolver
from django.utils import timezone

from accounts.models import Message, TrustedCa, User, UserCertificate
from accounts.tests.factories import user_create
from auctions.models import (
    AnnouncementDocument,
    Bank,
    BidApplication,
    DepositAccount,
    DepositArrival,
    DepositMovement,
    Entrustment,
    Qualification,
    TradingCentre,
)
from auctions.services.announcements import announcement_draft, announcement_publish
from auctions.services.lots import Grant, lot_register_submitted, lot_submit_by_grantor
from auctions.tests.factories import listing_terms, preset, won_deal
from contracts.tests.factories import coded_contract
from core.tests.samples import pdf_bytes, png_bytes
from geo.models import Region
from market.models import ChunkedUpload, SupplyAttachment, SupplyChange, ViewingAppointment
from search.tests.notices_world import notice_with_document
from tests.test_private_fields import World, _routes

ELSEWHERE = "203.0.113.7"  # a documentation address (RFC 5737), not this machine
ROLES = (
    "anonymous",
    "unverified",
    "owner",  # verified; owns every record of the world
    "enterprise",  # a verified enterprise account (its sub-accounts are its to manage)
    "other",  # verified, owns nothing
    "reviewer_in",  # reviewer of 510104's city, 成都市
    "reviewer_out",  # reviewer of Beijing
    "grantor",  # grantor staff of Sichuan
    "centre_staff",  # trading-centre staff of Sichuan
    "supervisor",  # supervisor of Sichuan
    "gis_staff",  # GIS staff of Sichuan
    "admin",
)
ANYONE = frozenset(ROLES)
SIGNED_IN = ANYONE - {"anonymous"}
VERIFIED = SIGNED_IN - {"unverified"}
OWNER = frozenset({"owner"})
REVIEWERS_IN = frozenset({"reviewer_in", "admin"})
REVIEW_READERS = frozenset({"reviewer_in", "reviewer_out", "supervisor", "admin"})  # a list filtered by region
SEES_ALL_OF_A_LISTING = frozenset({"owner", "reviewer_in", "supervisor", "admin"})
SEES_ALL_OF_A_DEMAND = frozenset({"owner", "reviewer_in", "admin"})
CENTRE = frozenset({"centre_staff", "admin"})
GRANTOR = frozenset({"grantor", "admin"})
SUPERVISOR = frozenset({"supervisor", "admin"})
GIS = frozenset({"gis_staff", "admin"})
PARCEL_DATA = frozenset({"gis_staff", "supervisor", "admin"})
ADMIN = frozenset({"admin"})
STAFF = VERIFIED - {"owner", "enterprise", "other"}  # every staff role
NOBODY_BUT_ITS_UPLOADER = frozenset({"admin"})  # the world's import job was uploaded by `owner`, no GIS staff

# route (as the URL conf writes it) → {method: roles let through}. Pages are GET.
MATRIX: dict[str, dict[str, frozenset[str]]] = {
    # pages
    "": {"get": ANYONE},
    "status/": {"get": STAFF},
    "geo/imports/": {"get": GIS},
    "login/": {"get": ANYONE},
    "register/": {"get": ANYONE},
    "password/reset/": {"get": ANYONE},
    "supply/": {"get": ANYONE},
    "supply/new/": {"get": SIGNED_IN},
    "supply/<int:listing_id>/": {"get": ANYONE},
    "supply/<int:listing_id>/edit/": {"get": SIGNED_IN},  # the page; its API calls decide
    "demand/": {"get": ANYONE},
    "demand/new/": {"get": SIGNED_IN},
    "demand/<int:demand_id>/": {"get": ANYONE},
    "demand/<int:demand_id>/edit/": {"get": SIGNED_IN},
    "pre-announcements/": {"get": ANYONE},
    "pre-announcements/new/": {"get": SIGNED_IN},
    "pre-announcements/<int:pre_announcement_id>/": {"get": ANYONE},
    "pre-announcements/<int:pre_announcement_id>/edit/": {"get": SIGNED_IN},
    "compare/": {"get": SIGNED_IN},
    "statistics/": {"get": ANYONE},
    "policies/": {"get": ANYONE},
    "policies/<int:policy_id>/": {"get": ANYONE},
    "me/": {"get": SIGNED_IN},
    "review/": {"get": frozenset({"reviewer_in", "reviewer_out", "centre_staff", "admin"})},
    "search/": {"get": ANYONE},
    "map/": {"get": ANYONE},
    "parcels/<str:code>/": {"get": ANYONE},
    # trading pages (web/views_trading.py): the form's API calls decide; the console needs a centre of one's own
    "entrustments/new/": {"get": SIGNED_IN},
    "entrustments/<int:entrustment_id>/edit/": {"get": SIGNED_IN},
    "centre/": {"get": CENTRE},
    "grantor/lots/": {"get": frozenset({"grantor", "admin"})},
    # contract pages (web/views_contracts.py): shells whose API calls decide; the queue is for reviewers
    "contracts/new/": {"get": SIGNED_IN},
    "contracts/review/": {"get": frozenset({"reviewer_in", "reviewer_out", "admin"})},
    "contracts/<int:contract_id>/": {"get": SIGNED_IN},
    # contracts in public (web/views_contracts_public.py): the QR code's verification page and 直接交易, on the world's
    # coded direct deal (`_params`: token, number)
    "contracts/verify/<str:token>/": {"get": ANYONE},
    "direct-deals/": {"get": ANYONE},
    "direct-deals/<str:number>/": {"get": ANYONE},
    "api/contracts/direct/": {"get": ANYONE},  # the 直接交易 search (search/api_direct.py)
    "supervision/": {"get": SUPERVISOR},  # the supervisor's page (web/views_supervision.py)
    "notices/": {"get": ANYONE},  # 交易公示: published announcements of lots (web/views_auctions.py)
    "notices/<int:announcement_id>/": {"get": ANYONE},
    "lots/<int:lot_id>/": {"get": ANYONE},
    "lots/<int:lot_id>/apply/": {"get": SIGNED_IN},  # 申请竞买: the form's API call decides
    "lots/<int:lot_id>/room/": {"get": ANYONE},  # 交易室 (web/views_room.py): bidder numbers only; the API decides bids
    # accounts
    "api/auth/captcha/": {"post": ANYONE},
    "api/auth/captcha/<slug:key>.png": {"get": ANYONE},
    "api/auth/sms-codes/": {"post": ANYONE},
    "api/auth/register/": {"post": ANYONE},
    "api/auth/login/": {"post": ANYONE},
    "api/auth/logout/": {"post": ANYONE},
    "api/auth/token/": {"post": ANYONE},
    "api/auth/password/reset/": {"post": ANYONE},
    "api/auth/password/change/": {"post": SIGNED_IN},
    "api/auth/phone/": {"post": SIGNED_IN},
    "api/auth/email/": {"post": SIGNED_IN},
    "api/auth/email/confirm/": {"post": ANYONE},
    "api/auth/me/": {"get": SIGNED_IN, "patch": SIGNED_IN},
    "api/auth/verification/": {"get": SIGNED_IN, "post": SIGNED_IN},
    "api/auth/verifications/": {"get": CENTRE},
    "api/auth/verifications/<int:pk>/approve/": {"post": CENTRE},
    "api/auth/verifications/<int:pk>/reject/": {"post": CENTRE},
    "api/auth/verifications/<int:pk>/licence/": {"get": CENTRE | {"unverified"}},  # the applicant, and its deciders
    "api/auth/verifications/<int:pk>/id-card/front/": {"get": CENTRE | {"unverified"}},
    "api/auth/verifications/<int:pk>/id-card/back/": {"get": CENTRE | {"unverified"}},
    "api/auth/verifications/document-views/": {"get": frozenset({"supervisor", "admin"})},
    "api/auth/sub-accounts/": {"get": frozenset({"enterprise"}), "post": frozenset({"enterprise"})},
    "api/auth/sub-accounts/<int:pk>/": {"delete": frozenset({"enterprise"})},
    "api/auth/sub-accounts/<int:pk>/disable/": {"post": frozenset({"enterprise"})},
    "api/auth/sub-accounts/<int:pk>/enable/": {"post": frozenset({"enterprise"})},
    "api/auth/users/": {"get": ADMIN},
    "api/auth/users/<int:pk>/role/": {"post": ADMIN},
    "api/auth/messages/": {"get": SIGNED_IN},
    "api/auth/messages/unread-count/": {"get": SIGNED_IN},
    "api/auth/messages/read-all/": {"post": SIGNED_IN},
    "api/auth/messages/<int:pk>/read/": {"post": OWNER},
    # digital certificates (accounts/api/certificates.py): my own; the trusted CAs are public
    "api/auth/certificates/": {"get": SIGNED_IN, "post": SIGNED_IN},  # binding checks the verification itself
    "api/auth/certificates/<int:certificate_id>/unbind/": {"post": OWNER},
    # an enterprise's staff certificates (its sub-accounts')
    "api/auth/enterprise/certificates/": {"get": frozenset({"enterprise"})},
    "api/auth/enterprise/certificates/<int:certificate_id>/withdraw/": {"post": frozenset({"enterprise"})},
    "api/auth/trusted-cas/": {"get": ANYONE},
    # sign-in with the certificate and demo certificates (accounts/api/certificate_login.py)
    "api/auth/certificates/demo-request/": {"get": SIGNED_IN, "post": SIGNED_IN},  # 404: no development CA here
    "api/auth/certificate-challenge/": {"post": SIGNED_IN},  # 409 without an active certificate
    "api/auth/certificate-login/": {"post": SIGNED_IN},
    # market: supply
    "api/market/supply/": {"get": ANYONE, "post": VERIFIED},
    "api/market/supply/<int:listing_id>/": {"get": ANYONE, "patch": OWNER, "delete": OWNER},
    "api/market/supply/<int:listing_id>/submit/": {"post": OWNER},
    "api/market/supply/<int:listing_id>/delist/": {"post": OWNER | REVIEWERS_IN},  # reviewers with a reason
    "api/market/supply/<int:listing_id>/history/": {"get": SEES_ALL_OF_A_LISTING},
    "api/market/supply/<int:listing_id>/changes/": {"post": OWNER},
    "api/market/supply/<int:listing_id>/attachments/": {"post": OWNER},
    "api/market/supply/<int:listing_id>/uploads/": {"post": OWNER},
    "api/market/supply/attachments/<int:attachment_id>/": {"get": SEES_ALL_OF_A_LISTING, "delete": OWNER},
    "api/market/supply/institutions/": {"get": ANYONE},  # the reviewing authorities of a county: public
    "api/market/supply/identity/": {"get": SIGNED_IN},  # the caller's own verified identity
    "api/market/uploads/<uuid:upload_id>/": {"put": OWNER},
    "api/market/my/supply/": {"get": SIGNED_IN},
    "api/market/review/supply/": {"get": REVIEW_READERS},
    "api/market/review/supply/<int:listing_id>/place/": {"get": SEES_ALL_OF_A_LISTING - OWNER},
    "api/market/review/supply/<int:listing_id>/approve/": {"post": REVIEWERS_IN},
    "api/market/review/supply/<int:listing_id>/reject/": {"post": REVIEWERS_IN},
    "api/market/review/supply/<int:listing_id>/certify/": {"post": REVIEWERS_IN},
    "api/market/review/supply/<int:listing_id>/delist/": {"post": REVIEWERS_IN},
    "api/market/review/changes/<int:change_id>/approve/": {"post": REVIEWERS_IN},
    "api/market/review/changes/<int:change_id>/reject/": {"post": REVIEWERS_IN},
    # market: demand and pre-announcements
    "api/market/demand/": {"get": ANYONE, "post": VERIFIED},
    "api/market/demand/<int:demand_id>/": {"get": ANYONE, "patch": OWNER, "delete": OWNER},
    "api/market/demand/<int:demand_id>/submit/": {"post": OWNER},
    "api/market/demand/<int:demand_id>/change/": {"post": OWNER},
    "api/market/demand/<int:demand_id>/delist/": {"post": OWNER},
    "api/market/my/demand/": {"get": SIGNED_IN},
    "api/market/my/demand/<int:demand_id>/": {"get": OWNER},
    "api/market/pre-announcements/": {"get": ANYONE, "post": SIGNED_IN},  # a draft; publishing needs verification
    "api/market/pre-announcements/lookup/": {"post": SIGNED_IN},
    "api/market/pre-announcements/<int:pre_announcement_id>/": {"get": ANYONE, "patch": OWNER, "delete": OWNER},
    "api/market/pre-announcements/<int:pre_announcement_id>/preview/": {"get": OWNER},
    "api/market/pre-announcements/<int:pre_announcement_id>/publish/": {"post": OWNER},
    "api/market/pre-announcements/<int:pre_announcement_id>/delist/": {"post": OWNER},
    "api/market/my/pre-announcements/": {"get": SIGNED_IN},
    "api/market/my/pre-announcements/<int:pre_announcement_id>/": {"get": OWNER},
    # market: interactions
    "api/market/supply/<int:listing_id>/quotes/": {"get": ANYONE, "post": VERIFIED},  # the owner: 400, own listing
    "api/market/supply/<int:listing_id>/quotes/mine/": {"get": SIGNED_IN},
    "api/market/my/quotes/": {"get": SIGNED_IN},
    "api/market/supply/<int:listing_id>/appointments/": {"get": OWNER, "post": VERIFIED},  # the owner: 400
    "api/market/appointments/<int:appointment_id>/viewed/": {"post": frozenset({"other"})},
    "api/market/appointments/<int:appointment_id>/cancel/": {"post": frozenset({"other"})},
    "api/market/my/appointments/": {"get": SIGNED_IN},
    "api/market/favourites/": {"post": SIGNED_IN},
    "api/market/favourites/<str:target>/<int:target_id>/": {"delete": SIGNED_IN},
    "api/market/my/favourites/": {"get": SIGNED_IN},
    "api/market/comparison/": {"get": SIGNED_IN, "post": SIGNED_IN, "delete": SIGNED_IN},
    "api/market/comparison/<int:listing_id>/": {"delete": SIGNED_IN},
    "api/market/policies/": {"get": ANYONE, "post": CENTRE},
    "api/market/policies/<int:policy_id>/": {"get": ANYONE, "patch": CENTRE, "delete": CENTRE},
    "api/market/policies/<int:policy_id>/publish/": {"post": CENTRE},
    "api/market/policies/<int:policy_id>/unpublish/": {"post": CENTRE},
    "api/market/policies/<int:policy_id>/attachment/": {"get": ANYONE},
    "api/market/staff/policies/": {"get": CENTRE},
    "api/market/staff/policies/<int:policy_id>/": {"get": CENTRE},
    "api/market/statistics/": {"get": ANYONE},
    # geo, search, schema, OGC, tiles, health
    "api/geo/imports/": {"post": GIS},
    "api/geo/imports/<int:job_id>/": {"get": NOBODY_BUT_ITS_UPLOADER},
    "api/geo/regions/": {"get": ANYONE},
    "api/geo/regions/lookup/": {"get": ANYONE},
    "api/geo/regions/<str:code>/": {"get": ANYONE},
    "api/geo/regions/<str:code>/parcels.geojson": {"get": PARCEL_DATA},
    "api/geo/regions/<str:code>/parcels.gpkg": {"get": PARCEL_DATA},
    "api/geo/parcels/": {"get": ANYONE},
    "api/geo/parcels/<str:code>/": {"get": ANYONE},
    "api/geo/parcels/<str:code>/surroundings/": {"get": ANYONE},
    "api/geo/surroundings/": {"get": ANYONE},
    "api/search/supply": {"get": ANYONE},
    "api/search/notices": {"get": ANYONE},
    "api/auctions/announcements/<int:announcement_id>/": {"get": ANYONE},  # published or superseded only
    "api/auctions/announcements/<int:announcement_id>/documents/<int:document_id>/file": {"get": ANYONE},
    "api/auctions/lots/<int:lot_id>/": {"get": ANYONE},  # once announced
    # a trade's result (auctions/api/results.py, web/views_auctions.py) on the world's closed lot (`_closed_lot`): a
    # deal won by `owner`, its lot's centre with `centre_staff` on its staff
    "results/<int:lot_id>/": {"get": ANYONE},  # 成交公示
    "api/auctions/lots/<int:lot_id>/result/confirmation.pdf": {"get": OWNER | CENTRE},
    "api/auctions/lots/<int:lot_id>/protocol/": {"get": ANYONE},  # once closed (the centre's staff: at any time)
    "api/auctions/roots/": {"get": ANYONE},  # the published roots over the evidence chains
    "api/auctions/roots/public-key": {"get": ANYONE},
    "roots/": {"get": ANYONE},
    "api/auctions/map/lots/": {"get": ANYONE},  # the map's 交易标的 list: announced lots only
    "api/search/demand": {"get": ANYONE},
    "api/search/autocomplete": {"get": ANYONE},
    "api/schema/": {"get": ANYONE},
    "api/schema/swagger-ui/": {"get": ANYONE},
    "api/schema/redoc/": {"get": ANYONE},
    "ogc/": {"get": ANYONE},
    "ogc/api": {"get": ANYONE},
    "ogc/conformance": {"get": ANYONE},
    "ogc/collections": {"get": ANYONE},
    "ogc/collections/<str:collection_id>": {"get": ANYONE},
    "ogc/collections/<str:collection_id>/schema": {"get": ANYONE},
    "ogc/collections/<str:collection_id>/items": {"get": ANYONE},
    "ogc/collections/<str:collection_id>/items/<str:feature_id>": {"get": ANYONE},
    "tiles/<str:layer>/<str:z>/<str:x>/<str:y>.mvt": {"get": ANYONE},
    "tiles/<str:layer>.json": {"get": ANYONE},
    "health": {"get": ANYONE},
    "health/details": {"get": STAFF},
    "i18n/setlang/": {"post": ANYONE},
    # auctions: the work of owners, grantors and centre staff (the world's centre has `centre_staff` on its staff)
    "api/auctions/centres/": {"get": ANYONE},
    # contracts (contracts/api/parties.py, review.py): the world's contract of `owner` in 510104 is in review; party B
    # steps called by party A are 409 (let through), by anyone else 404
    "api/contracts/": {"get": VERIFIED, "post": VERIFIED},
    "api/contracts/<int:contract_id>/": {"get": OWNER | REVIEWERS_IN, "patch": OWNER},
    "api/contracts/<int:contract_id>/attachments/": {"post": OWNER},
    "api/contracts/attachments/<int:contract_attachment_id>/": {"get": OWNER | REVIEWERS_IN, "delete": OWNER},
    "api/contracts/<int:contract_id>/send/": {"post": OWNER},
    "api/contracts/<int:contract_id>/recall/": {"post": OWNER},
    "api/contracts/<int:contract_id>/confirm/": {"post": OWNER},
    "api/contracts/<int:contract_id>/return/": {"post": OWNER},
    "api/contracts/<int:contract_id>/signed-copy/": {"get": OWNER | REVIEWERS_IN, "post": OWNER},
    "api/contracts/<int:contract_id>/signed-copy/confirm/": {"post": OWNER},
    "api/contracts/<int:contract_id>/signed-copy/dispute/": {"post": OWNER},
    "api/contracts/<int:contract_id>/submit/": {"post": OWNER},
    "api/contracts/<int:contract_id>/cancel/": {"post": OWNER},
    "api/contracts/<int:contract_id>/revocations/": {"post": OWNER},
    "api/contracts/revocation-documents/<int:revocation_document_id>/": {"get": OWNER | REVIEWERS_IN},
    "api/contracts/review/": {"get": frozenset({"reviewer_in", "reviewer_out", "admin"})},
    "api/contracts/<int:contract_id>/approve/": {"post": REVIEWERS_IN},
    "api/contracts/<int:contract_id>/reject/": {"post": REVIEWERS_IN},
    "api/contracts/revocations/": {"get": frozenset({"reviewer_in", "reviewer_out", "admin"})},
    "api/contracts/revocations/<int:revocation_id>/approve/": {"post": REVIEWERS_IN},
    "api/contracts/revocations/<int:revocation_id>/reject/": {"post": REVIEWERS_IN},
    # the contract's PDF (contracts/api/pdf.py): as its detail; the public verification and one 直接交易
    # (contracts/api/public.py) on the world's coded direct deal
    "api/contracts/<int:contract_id>/pdf/": {"get": OWNER | REVIEWERS_IN},
    "api/contracts/verify/<str:token>/": {"get": ANYONE},
    "api/contracts/direct/<str:number>/": {"get": ANYONE},
    "api/auctions/entrustments/": {"get": VERIFIED, "post": VERIFIED},
    "api/auctions/entrustments/<int:entrustment_id>/": {"get": OWNER | CENTRE, "patch": OWNER},
    "api/auctions/entrustments/<int:entrustment_id>/submit/": {"post": OWNER},
    "api/auctions/entrustments/<int:entrustment_id>/withdraw/": {"post": OWNER},
    "api/auctions/entrustments/<int:entrustment_id>/attachments/": {"post": OWNER},
    "api/auctions/entrustment-attachments/<int:entrustment_attachment_id>/": {"get": OWNER | CENTRE, "delete": OWNER},
    "api/auctions/entrustments/<int:entrustment_id>/accept/": {"post": CENTRE},
    "api/auctions/entrustments/<int:entrustment_id>/reject/": {"post": CENTRE},
    "api/auctions/entrustments/<int:entrustment_id>/lot/": {"post": CENTRE},
    "api/auctions/centre/entrustments/": {"get": CENTRE},
    "api/auctions/centre/lots/": {"get": CENTRE},
    "api/auctions/centre/trading/": {"get": CENTRE},  # the console's live view (auctions/api/console.py)
    "api/auctions/grantor/lots/": {"get": GRANTOR, "post": GRANTOR},
    "api/auctions/work/lots/<int:lot_id>/": {"get": CENTRE | GRANTOR, "put": GRANTOR},
    "api/auctions/work/lots/<int:lot_id>/documents/": {"post": CENTRE | GRANTOR},
    "api/auctions/work/lots/<int:lot_id>/register/": {"post": CENTRE},
    "api/auctions/work/lots/<int:lot_id>/return/": {"post": CENTRE},
    "api/auctions/work/lots/<int:lot_id>/rules/": {"patch": CENTRE},
    "api/auctions/work/lots/<int:lot_id>/announcements/": {"post": CENTRE},
    "api/auctions/work/announcements/<int:announcement_id>/": {"get": CENTRE, "patch": CENTRE},
    "api/auctions/work/announcements/<int:announcement_id>/documents/": {"post": CENTRE},
    "api/auctions/work/announcements/<int:announcement_id>/publish/": {"post": CENTRE},
    # trading (auctions/api/trading.py): the world's lot is announced, nobody is qualified yet (409 not_qualified)
    "api/auctions/lots/<int:lot_id>/bids/": {"post": VERIFIED},
    "api/auctions/lots/<int:lot_id>/trading/": {"get": ANYONE},
    "api/auctions/lots/<int:lot_id>/events/": {"get": ANYONE},  # the live channel (Server-Sent Events)
    "api/auctions/lots/<int:lot_id>/timed-entry/": {"post": VERIFIED},
    "api/auctions/lots/<int:lot_id>/reserve/": {"post": GRANTOR},
    "api/auctions/work/lots/<int:lot_id>/suspend/": {"post": CENTRE},
    "api/auctions/work/lots/<int:lot_id>/resume/": {"post": CENTRE},
    # staff's procedures (auctions/api/closing.py): the world's lot is full-process, without a result, so a result
    # is refused 409 not_semi_process / not_a_deal for those let through
    "api/auctions/work/lots/<int:lot_id>/result/": {"get": CENTRE, "post": CENTRE},
    "api/auctions/work/lots/<int:lot_id>/result/revoke/": {"post": CENTRE},
    "api/auctions/work/lots/<int:lot_id>/suspension/": {"post": CENTRE},
    "api/auctions/supervision/lots/": {"get": SUPERVISOR},
    "api/auctions/supervision/entrustments/": {"get": SUPERVISOR},
    "api/auctions/supervision/events/": {"get": SUPERVISOR},
    "api/auctions/supervision/anomalies/": {"get": SUPERVISOR},
    "api/auctions/work/lots/<int:lot_id>/evidence-check/": {"get": frozenset({"centre_staff", "supervisor", "admin"})},
    # bid applications (auctions/api/bidding.py): the world's lot has `owner`'s approved, qualified application
    "api/auctions/lots/<int:lot_id>/applications/": {"post": VERIFIED},  # the owner: 200 with its own
    "api/auctions/applications/": {"get": SIGNED_IN},  # the caller's own
    "api/auctions/applications/<int:application_id>/": {"get": OWNER},
    "api/auctions/applications/<int:application_id>/documents/": {"post": OWNER},  # 409: approved, fixed
    "api/auctions/applications/<int:application_id>/qualification.pdf": {"get": OWNER | CENTRE},
    "api/auctions/centre/lots/<int:lot_id>/applications/": {"get": CENTRE},
    "api/auctions/applications/<int:application_id>/approve/": {"post": CENTRE},  # 409: decided
    "api/auctions/applications/<int:application_id>/reject/": {"post": CENTRE},
    "api/auctions/applications/<int:application_id>/qualify/": {"post": CENTRE},
    # the banks (auctions/api/bank.py). The arrival webhook has no session: anyone may call it, but only a notice
    # signed with the bank's key is let through, so every role's unsigned call is refused with 401 (signature_missing).
    "api/auctions/bank/<slug:bank_code>/arrivals/": {"post": frozenset()},
    "api/auctions/bank/reconciliation/": {"get": CENTRE},  # 400 without ?day= for those let through
    # a centre's own details (auctions/api/centres.py): the world's centre, the centre_staff caller on its staff
    "api/auctions/centre/<int:centre_id>/": {"get": CENTRE, "patch": CENTRE},
    # deposits after the trade (auctions/api/refunds.py): the world's application has an arrival whose refund the
    # bank refused (failed), so a retry is let through for the lot's centre staff
    "api/auctions/work/lots/<int:lot_id>/deposit-movements/": {"get": CENTRE},
    "api/auctions/work/lots/<int:lot_id>/deposit-movements/<int:arrival_id>/retry/": {"post": CENTRE},
}
# Routes whose 404 answers the caller about a record that is not there (not a refusal).
MISSING_IS_AN_ANSWER = {
    "api/auth/captcha/<slug:key>.png",  # no captcha under a random key
    "api/auth/verification/",  # the caller has applied for no verification
    "api/market/comparison/<int:listing_id>/",  # not in the caller's comparison
    "api/market/favourites/<str:target>/<int:target_id>/",  # not among the caller's favourites
    "api/market/policies/<int:policy_id>/attachment/",  # the policy has no attachment
    "api/auth/certificates/demo-request/",  # the tests' platform has no development CA (DEV_CA_URL empty)
}
TERMS = {
    "trading_mode": "listing",
    "start_price_wan": "100",
    "increment_wan": "1",
    "deposit_wan": "20",
    "announcement_starts_at": "2030-01-01T09:00:00+08:00",
    "applications_open_at": "2030-01-01T09:00:00+08:00",
    "applications_close_at": "2030-01-20T17:00:00+08:00",
    "deposit_deadline": "2030-01-20T17:00:00+08:00",
    "listing_starts_at": "2030-01-10T09:00:00+08:00",
    "listing_ends_at": "2030-01-21T10:00:00+08:00",
}
GRANT = {**TERMS, "centre": 0, "region": "510104", "title": "出让地块", "transfer": "grant"}  # centre: _call sets it
# Bodies that pass the input checks, so the record's owner or scope is what decides (else {"reason", "role", ...}).
BODIES: dict[str, dict[str, Any]] = {
    "api/market/supply/<int:listing_id>/uploads/": {"kind": "video", "filename": "v.mp4", "size": 1000},
    "api/auctions/entrustments/<int:entrustment_id>/accept/": {"bond_yuan": "1000.00"},
    "api/auctions/entrustments/<int:entrustment_id>/lot/": TERMS,
    "api/auctions/grantor/lots/": GRANT,
    "api/auctions/work/lots/<int:lot_id>/": GRANT,
    "api/auctions/work/lots/<int:lot_id>/announcements/": {"title": "公告", "body": "正文"},
    "api/auctions/work/announcements/<int:announcement_id>/": {"title": "公告", "body": "正文"},
    "api/auctions/entrustments/": {"mode": "transfer"},
    "api/auctions/lots/<int:lot_id>/bids/": {
        "client_bid_id": "6f1c6f1e-0000-4000-8000-000000000001",
        "amount_wan": "100",
    },
    "api/auctions/lots/<int:lot_id>/reserve/": {"amount_wan": "150"},
    "api/auctions/entrustments/<int:entrustment_id>/": {"title": "委托"},
}
MULTIPART = {
    "api/market/supply/<int:listing_id>/attachments/",
    "api/auth/verification/",
    "api/geo/imports/",
    "api/auctions/entrustments/<int:entrustment_id>/attachments/",
    "api/auctions/work/lots/<int:lot_id>/documents/",
    "api/auctions/work/announcements/<int:announcement_id>/documents/",
    "api/auctions/applications/<int:application_id>/documents/",
    "api/auctions/applications/<int:application_id>/qualify/",
    "api/auctions/work/lots/<int:lot_id>/result/",
    "api/auctions/work/lots/<int:lot_id>/result/revoke/",
    "api/contracts/<int:contract_id>/attachments/",
    "api/contracts/<int:contract_id>/signed-copy/",
    "api/contracts/<int:contract_id>/revocations/",
}
# The Django admin site, every one of its routes: administrators only.
ADMIN_SITE = "admin/"
# Routes whose path names a record of its own kind for these parameters (else the world's params).
API_METHODS = ("get", "post", "put", "patch", "delete")


def _methods(pattern: URLPattern) -> list[str]:
    view = getattr(pattern.callback, "view_class", None) or getattr(pattern.callback, "cls", None)
    if view is None:  # a function view: pages are read, Django's set_language posts
        return ["post"] if pattern.name == "set_language" else ["get"]
    return [method for method in API_METHODS if hasattr(view, method)]


def _app_routes() -> Iterator[tuple[str, str]]:
    for route, pattern in _routes(get_resolver().url_patterns):
        if not route.startswith(ADMIN_SITE):
            for method in _methods(pattern):
                yield route, method


def test_every_route_and_method_has_a_row_and_every_row_a_route():
    served = set(_app_routes())
    written = {(route, method) for route, methods in MATRIX.items() for method in methods}

    assert sorted(served - written) == [], "routes without a row in MATRIX: decide who may call them"
    assert sorted(written - served) == [], "rows of MATRIX for routes that no longer exist"


@pytest.fixture
def callers(world: World) -> dict[str, Client]:
    sichuan = ["510000"]
    users = {
        "unverified": user_create(verified=False),  # the applicant of the world's verification (see _params)
        "owner": world.listing.owner,
        "enterprise": user_create(kind=User.Kind.ENTERPRISE),
        "other": User.objects.get(phone="13911170232"),  # the world's quoter and visitor
        "reviewer_in": user_create(role=User.Role.REVIEWER, regions=["510100"]),
        "reviewer_out": user_create(role=User.Role.REVIEWER, regions=["110000"]),
        "grantor": user_create(role=User.Role.GRANTOR, regions=sichuan),
        "centre_staff": user_create(role=User.Role.CENTRE_STAFF, regions=sichuan),
        "supervisor": user_create(role=User.Role.SUPERVISOR, regions=sichuan),
        "gis_staff": user_create(role=User.Role.GIS_STAFF, regions=sichuan),
        "admin": user_create(role=User.Role.ADMIN),
    }
    # Callers from elsewhere: this machine's own address opens /health/details to anyone.
    clients = {"anonymous": Client(REMOTE_ADDR=ELSEWHERE)}
    for role, user in users.items():
        clients[role] = Client(REMOTE_ADDR=ELSEWHERE)
        clients[role].force_login(user)
    return clients


def _params(world: World, callers: dict[str, Client]) -> dict[str, Any]:
    """A value for each path parameter: the world's records, and records of the kinds the world lacks."""
    owner = world.listing.owner
    enterprise = User.objects.filter(kind=User.Kind.ENTERPRISE).latest("pk")
    sub_account = user_create(parent=enterprise)
    applicant = User.objects.filter(verified_at__isnull=True, parent__isnull=True).latest("pk")
    verification = world.verification
    verification.user = applicant
    verification.licence.save("licence.pdf", ContentFile(pdf_bytes()), save=False)
    verification.id_front.save("front.png", ContentFile(png_bytes()), save=False)
    verification.id_back.save("back.png", ContentFile(png_bytes()), save=False)
    verification.save(update_fields=["user", "licence", "id_front", "id_back"])
    document = SupplyAttachment.objects.get(pk=world.params["attachment_id"][0])
    document.file.save("document.pdf", ContentFile(pdf_bytes()), save=True)
    appointment = ViewingAppointment.objects.get(listing=world.listing)
    change = SupplyChange.objects.create(listing=world.listing, changes={"address": "新地址"}, requested_by=owner)
    upload = ChunkedUpload.objects.create(
        user=owner, listing=world.listing, kind="identity_proof", filename="x.pdf", size=10, path="uploads/x.part"
    )
    message = Message.objects.create(user=owner, title="消息", created_at=timezone.now())
    trading = _trading_world(owner=owner, region=world.listing.region, staff=callers)
    notice, notice_document = notice_with_document("510104")  # the world's county
    closed = _closed_lot(notice.lot, owner=owner, staff=callers)
    deal = coded_contract(region=Region.objects.get(code="510104"))  # a 直接交易 in the world's county
    values = {name: values[0] for name, values in world.params.items()}
    return (
        values
        | {
            "upload_id": upload.pk,
            "change_id": change.pk,
            "appointment_id": appointment.pk,
            "announcement_id": notice.pk,
            "document_id": notice_document.pk,
            "lot_id": notice.lot_id,
            "target": "supply",
            "target_id": world.listing.pk,
            "key": uuid.uuid4().hex,
            "z": 12,
            "x": 3232,
            "y": 1700,
            "layer": "parcels",
            "collection_id": "parcels",
            "feature_id": world.parcel.code,
            "bank_code": "ICBC",  # a bank of the world's centre
            "token": deal.verify_token,
            "number": deal.number,
            "contract_id:contracts/<int:contract_id>/": 1,  # the contract page is a shell: any id renders it
            "certificate_id": _certificate_of(owner),
            "certificate_id:api/auth/enterprise/certificates/<int:certificate_id>/withdraw/": _certificate_of(
                sub_account, fingerprint="e" * 64
            ),
            # `pk` names different records on different routes
            "pk:api/auth/verifications/": verification.pk,
            "pk:api/auth/sub-accounts/": sub_account.pk,
            "pk:api/auth/users/": applicant.pk,
            "pk:api/auth/messages/": message.pk,
        }
        | trading
        | {f"lot_id:{route}": closed for route in RESULT_ROUTES}
    )


def _certificate_of(owner: User, fingerprint: str = "d" * 64) -> int:
    """A certificate bound to `owner` (its content is not read by the routes of the matrix)."""
    now = timezone.now()
    ca, _created = TrustedCa.objects.get_or_create(
        fingerprint_sha256="c" * 64, defaults={"name": "CA", "certificate": "-", "subject": "CN=CA"}
    )
    certificate = UserCertificate.objects.create(
        user=owner,
        issuer=ca,
        certificate="-",
        serial=fingerprint[:8],
        subject="CN=王五",
        fingerprint_sha256=fingerprint,
        key_algorithm="ec-p256",
        not_before=now,
        not_after=now,
        bound_at=now,
        checked_at=now,
    )
    return int(certificate.pk)


RESULT_ROUTES = (
    "results/<int:lot_id>/",
    "api/auctions/lots/<int:lot_id>/result/confirmation.pdf",
    "api/auctions/lots/<int:lot_id>/protocol/",
)


def _closed_lot(lot: Any, *, owner: User, staff: dict[str, Client]) -> int:
    """The announced lot, closed in a deal that `owner` won (bidder number 654321), its centre with the
    `centre_staff` caller on its staff: the result routes' lot."""
    lot.centre.staff.add(User.objects.get(role=User.Role.CENTRE_STAFF, phone=_phone_of(staff["centre_staff"])))
    won_deal(lot, applicant=owner, name="王五", number="654321", price="120")
    return int(lot.pk)


WORLD_CENTRE = "成都市公共资源交易中心"


def _trading_world(*, owner: User, region: Any, staff: dict[str, Client]) -> dict[str, int]:
    """A centre serving 成都 with the `centre_staff` caller on its staff; the owner's submitted entrustment with a
    document; a grantor's lot in 锦江区, registered and announced, its announcement with a document."""
    chengdu = region.parent
    centre = TradingCentre.objects.create(
        name=WORLD_CENTRE, region=chengdu, address="天府大道", phone="028-1", rule_profile=preset()
    )
    centre.staff.add(User.objects.get(role=User.Role.CENTRE_STAFF, phone=_phone_of(staff["centre_staff"])))
    entrustment = Entrustment.objects.create(
        owner=owner, created_by=owner, mode="transfer", centre=centre, region=region, title="委托", status="submitted"
    )
    attachment = entrustment.attachments.create(
        kind="identity_proof",
        original_name="e.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        uploaded_by=owner,
    )
    attachment.file.save("e.pdf", ContentFile(pdf_bytes()), save=True)
    grantor = User.objects.filter(role=User.Role.GRANTOR).latest("pk")
    lot = lot_submit_by_grantor(
        user=grantor,
        grant=Grant(centre_id=centre.pk, region_code=region.code, title="出让地块", transfer="grant"),
        terms=listing_terms(),
    )
    member = centre.staff.get()
    lot.documents.create(
        title="出让须知", file="n.pdf", original_name="n.pdf", content_type="application/pdf", size=1, sha256="0" * 64
    )
    lot_register_submitted(user=member, lot_id=lot.pk)
    draft = announcement_draft(user=member, lot_id=lot.pk, title="公告", body="正文")
    document = AnnouncementDocument(
        announcement=draft,
        title="出让须知",
        original_name="a.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
    )
    document.file.save("a.pdf", ContentFile(pdf_bytes()), save=True)  # while a draft: published ones are fixed
    announcement = announcement_publish(user=member, announcement_id=draft.pk)
    application = _application(owner=owner, lot=lot, centre=centre, member=member)
    arrival = _refused_refund(application)
    return {
        "arrival_id": arrival.pk,
        "application_id": application.pk,
        "document_id": document.pk,
        "entrustment_id": entrustment.pk,
        "entrustment_attachment_id": attachment.pk,
        "lot_id": lot.pk,
        "announcement_id": announcement.pk,
        "centre_id": centre.pk,
    }


def _application(*, owner: User, lot: Any, centre: TradingCentre, member: User) -> BidApplication:
    """`owner`'s application for the lot, approved, with its deposit account and a qualification."""
    bank, _new = Bank.objects.get_or_create(code="ICBC", defaults={"name": "中国工商银行", "account_prefix": "6222"})
    centre.banks.add(bank)
    now = timezone.now()
    application = BidApplication.objects.create(
        lot=lot,
        applicant=owner,
        created_by=owner,
        contact_name="王五",
        contact_phone="13800138000",
        address="成都市",
        bank=bank,
        status=BidApplication.Status.APPROVED,
        submitted_at=now,
        decided_at=now,
        decided_by=member,
    )
    DepositAccount.objects.create(application=application, bank=bank, number="6222000000000000001")
    Qualification.objects.create(application=application, lot=lot, bidder_number="123456", issued_at=now)
    return application


def _refused_refund(application: BidApplication) -> DepositArrival:
    """A cash arrival to the application's account whose refund the bank refused."""
    now = timezone.now()
    account = application.deposit_account
    arrival = DepositArrival.objects.create(
        bank=account.bank,
        serial="MATRIX-1",
        account_number=account.number,
        account=account,
        amount_yuan="100.00",
        payer_name="王五",
        channel="cash",
        arrived_at=now,
        received_at=now,
        flag="cash",
        refund_status="due",
    )
    DepositMovement.objects.create(
        arrival=arrival, kind="refund", cause="flagged", amount_yuan="100.00", status="failed", created_at=now
    )
    return arrival


def _phone_of(client: Client) -> str:
    return str(User.objects.get(pk=client.session["_auth_user_id"]).phone)


def _path(route: str, params: dict[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "pk":
            return str(next(v for k, v in params.items() if k.startswith("pk:") and route.startswith(k[3:])))
        if name == "code":
            return params["code"] if "regions/" in route else str(params["feature_id"])
        if f"{name}:{route}" in params:  # a record of this route's own
            return str(params[f"{name}:{route}"])
        return str(params[name])

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", value, route)


def _let_through(route: str, response: Any) -> bool:
    status = response.status_code
    if status == 404 and route in MISSING_IS_AN_ANSWER:
        return True
    if status in (401, 403, 404):
        return False
    return not (status in (301, 302) and "/login/" in response.get("Location", ""))


def _call(client: Client, route: str, method: str, path: str) -> Any:
    """One request, undone afterwards."""
    body = BODIES.get(route, {"reason": "测试原因", "role": "user", "regions": []})
    if body.get("centre") == 0:  # the world's trading centre
        body = {**body, "centre": TradingCentre.objects.get(name=WORLD_CENTRE).pk}
    with transaction.atomic():
        if method == "get":
            response = client.get(path)
        elif route == "api/market/uploads/<uuid:upload_id>/":  # a raw chunk
            response = client.put(path, b"0123456789", content_type="video/mp4", HTTP_CONTENT_RANGE="bytes 0-9/1000")
        elif route in MULTIPART:
            file = io.BytesIO(pdf_bytes())
            file.name = "document.pdf"
            response = client.post(path, {"kind": "identity_proof", "title": "文件", "file": file})
        else:
            response = getattr(client, method)(path, body, content_type="application/json")
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize(("route", "method"), sorted((r, m) for r, methods in MATRIX.items() for m in methods))
def test_each_role_is_let_through_exactly_where_the_matrix_says(
    world: World, callers: dict[str, Client], clear_cache: None, route: str, method: str
):
    path = _path(route, _params(world, callers))
    allowed = MATRIX[route][method]

    wrong = {}
    for role, client in callers.items():
        response = _call(client, route, method, path)
        if route != "health/details":  # 503 there reports a component down, as it should
            assert response.status_code < 500, f"{role} {method.upper()} {path}: {response.status_code}"
        if _let_through(route, response) != (role in allowed):
            wrong[role] = response.status_code
        if role == "anonymous" and not allowed & {"anonymous"} and path.startswith("/api/"):
            # 401 where signing in may help; 404 for a record that is public to no one anonymous
            assert response.status_code in (401, 404), f"anonymous {method.upper()} {path}: {response.status_code}"

    assert wrong == {}, f"{method.upper()} {path}: against the matrix: {wrong}"


@pytest.mark.parametrize("path", ["/admin/", "/admin/accounts/user/", "/admin/accounts/realnameverification/"])
def test_the_admin_site_is_for_administrators_only(callers: dict[str, Client], path: str):
    statuses = {role: client.get(path).status_code for role, client in callers.items()}

    assert statuses["admin"] == 200
    assert {role for role, status in statuses.items() if status == 200} == {"admin"}
