"""The 竞买资格确认书 (bidder's qualification certificate) as a PDF, rendered by WeasyPrint from a Django template."""

from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from weasyprint import HTML  # type: ignore[import-untyped]

from auctions.models import BidApplication
from auctions.services.deposits import counted_yuan

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
