"""A contract as a PDF (GET /api/contracts/<id>/pdf/): for its parties and the authority of its region, as the
contract's detail; 404 for anyone else. A coded or revoked contract's PDF carries the QR code of its verification
page, whose absolute address is built from the request's host (as the API's other absolute links), so it names the
site the PDF was downloaded from."""

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.permissions import request_user
from contracts.pdf import contract_pdf
from contracts.selectors import contract_get
from core.serializers import ErrorOutput

CONTRACT_ID = OpenApiParameter("contract_id", int, OpenApiParameter.PATH, description="the contract's id")


def file_name(number: str | None, contract_id: int) -> str:
    """An ASCII file name: the coding number's letters and digits (川510104ZR2026000001 → 510104ZR2026000001), else
    the contract's id."""
    safe = "".join(ch for ch in number or "" if ch.isascii() and ch.isalnum()) or str(contract_id)
    return f"contract-{safe}.pdf"


class ContractPdfApi(APIView):
    """The contract as a PDF: number, status, both parties (ID numbers and phones masked), the parcel, the terms,
    the dates and, once coded, the QR code of its public verification page."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["contracts"],
        operation_id="contracts_pdf",
        parameters=[CONTRACT_ID],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 401: ErrorOutput, 404: OpenApiResponse(ErrorOutput)},
    )
    def get(self, request: Request, contract_id: int) -> HttpResponse:
        contract = contract_get(user=request_user(request), contract_id=contract_id)
        verify_url = request.build_absolute_uri(reverse("web:contract-verify", args=[contract.verify_token]))
        response = HttpResponse(contract_pdf(contract, verify_url=verify_url), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{file_name(contract.number, contract_id)}"'
        response["Cache-Control"] = "private, no-store"
        return response
