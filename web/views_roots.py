"""The published roots page (/roots/): the signed roots over the evidence chains, newest first, the public key that
checks them and how to verify a downloaded protocol offline (docs/evidence.md, "Published roots"). Public."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from auctions.selectors_roots import root_public, roots_published
from auctions.services.roots import public_key_pem
from core.errors import ServiceUnavailable

PER_PAGE = 20


def roots(request: HttpRequest) -> HttpResponse:
    page = Paginator(roots_published(), PER_PAGE).get_page(request.GET.get("page"))
    try:
        public_key = public_key_pem().decode("ascii")
    except ServiceUnavailable:
        public_key = ""  # not configured: the page says so
    context = {"page": page, "roots": [root_public(root) for root in page], "public_key": public_key}
    return render(request, "web/roots.html", context)
