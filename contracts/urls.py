"""Contracts API routes under /api/contracts/: the parties' (contracts/api/parties.py), the authority's
(contracts/api/review.py) and the public verification and 直接交易 reads (contracts/api/public.py; the 直接交易 search
is config/urls.py's, as search runs it)."""

from django.urls import URLPattern, path

from contracts.api import parties, pdf, public, review

urlpatterns: list[URLPattern] = [
    path("", parties.ContractListApi.as_view(), name="contract-list"),
    path("<int:contract_id>/", parties.ContractDetailApi.as_view(), name="contract-detail"),
    path("<int:contract_id>/attachments/", parties.AttachmentAddApi.as_view(), name="contract-attachment-add"),
    path("attachments/<int:contract_attachment_id>/", parties.AttachmentApi.as_view(), name="contract-attachment"),
    path("<int:contract_id>/send/", parties.ContractSendApi.as_view(), name="contract-send"),
    path("<int:contract_id>/recall/", parties.ContractRecallApi.as_view(), name="contract-recall"),
    path("<int:contract_id>/confirm/", parties.ContractConfirmApi.as_view(), name="contract-confirm"),
    path("<int:contract_id>/return/", parties.ContractReturnApi.as_view(), name="contract-return"),
    path("<int:contract_id>/signed-copy/", parties.SignedCopyApi.as_view(), name="contract-signed-copy"),
    path(
        "<int:contract_id>/signed-copy/confirm/",
        parties.SignedCopyConfirmApi.as_view(),
        name="contract-signed-copy-confirm",
    ),
    path(
        "<int:contract_id>/signed-copy/dispute/",
        parties.SignedCopyDisputeApi.as_view(),
        name="contract-signed-copy-dispute",
    ),
    path("<int:contract_id>/submit/", parties.ContractSubmitApi.as_view(), name="contract-submit"),
    path("<int:contract_id>/cancel/", parties.ContractCancelApi.as_view(), name="contract-cancel"),
    path("<int:contract_id>/revocations/", parties.RevocationApplyApi.as_view(), name="contract-revocation-apply"),
    path(
        "revocation-documents/<int:revocation_document_id>/",
        parties.RevocationDocumentApi.as_view(),
        name="contract-revocation-document",
    ),
    # the authority (属地审核)
    path("review/", review.ReviewQueueApi.as_view(), name="contract-review-queue"),
    path("<int:contract_id>/approve/", review.ContractApproveApi.as_view(), name="contract-approve"),
    path("<int:contract_id>/reject/", review.ContractRejectApi.as_view(), name="contract-reject"),
    path("revocations/", review.RevocationQueueApi.as_view(), name="contract-revocation-queue"),
    path(
        "revocations/<int:revocation_id>/approve/",
        review.RevocationApproveApi.as_view(),
        name="contract-revocation-approve",
    ),
    path(
        "revocations/<int:revocation_id>/reject/",
        review.RevocationRejectApi.as_view(),
        name="contract-revocation-reject",
    ),
    # the PDF (contracts/api/pdf.py), the public verification and one direct deal (contracts/api/public.py)
    path("<int:contract_id>/pdf/", pdf.ContractPdfApi.as_view(), name="contract-pdf"),
    path("verify/<str:token>/", public.ContractVerifyApi.as_view(), name="contract-verify"),
    path("direct/<str:number>/", public.DirectDealApi.as_view(), name="contract-direct-deal"),
]
