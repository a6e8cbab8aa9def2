"""The 竞买资格确认书 (bidder's qualification certificate) and the 成交确认书 (transaction confirmation) as PDFs,
rendered by WeasyPrint from Django templates."""

from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from weasyprint import HTML  # type: ignore[import-untyped]

from auctions.models import BidApplication, LotResult
from auctions.selectors_results import close_evidence, winner_name
from auctions.services.deposits import counted_yuan
from geo.reference import land_use_name
from geo.services_listing import region_full_name

SHANGHAI = ZoneInfo("Asia/Shanghai")


def qualification_pdf(application: BidApplication) -> bytes:
    """The certificate of a qualified application: lot, bidder number and name, deposit received, issue time."""
    qualification = application.qualification
    context = {
        "lot": application.lot,
        "centre": application.lot.centre,
        "bidder_number": qualification.bidder_number,
        "bidder_name": application.applicant.real_name,
        "partners": application.partners if application.joint else [],
        "deposit_yuan": f"{counted_yuan(application):,.2f}",
        "issued_at": qualification.issued_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
        "manual": qualification.manual,
    }
    html = render_to_string("auctions/qualification_pdf.html", context)
    return bytes(HTML(string=html).write_pdf())


def confirmation_pdf(result: LotResult) -> bytes:
    """The 成交确认书 of a deal, the parties' document: always with the price (the publicity's opt-out hides it from
    the public only), and the evidence chain's head at the close so the document can be checked against the
    protocol."""
    return bytes(HTML(string=confirmation_html(result)).write_pdf())


def confirmation_html(result: LotResult) -> str:
    lot = result.lot
    winner = result.winner
    assert winner is not None  # noqa: S101 - confirmation_get reads deals, which have a winner
    head = close_evidence(result)
    context = {
        "lot": lot,
        "centre": lot.centre,
        "region_name": region_full_name(lot.region),
        "land_use": f"{land_use_name(lot.land_use) or ''} ({lot.land_use})" if lot.land_use else "—",
        "area_m2": f"{lot.area_m2:,.2f}" if lot.area_m2 is not None else "—",
        "winner_name": winner_name(winner),
        "partners": winner.application.partners if winner.application.joint else [],
        "bidder_number": winner.bidder_number,
        "price_wan": f"{result.price_wan:,.4f}" if result.price_wan is not None else "—",
        "deposit_wan": f"{lot.deposit_wan:,.4f}",
        "decided_at": result.decided_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S"),
        "offline": result.source == LotResult.Source.OFFLINE,
        "evidence_seq": head.seq if head is not None else None,
        "evidence_hash": head.hash if head is not None else None,
    }
    return render_to_string("auctions/confirmation_pdf.html", context)
