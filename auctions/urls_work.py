"""Trading API routes under /api/auctions/ for owners, grantors and centre staff (auctions/api/work.py)."""

from django.urls import URLPattern, path

from auctions.api import bank, bidding, centres, console, refunds, supervision, work

urlpatterns: list[URLPattern] = [
    path("centres/", work.CentreListApi.as_view(), name="centre-list"),
    path("entrustments/", work.EntrustmentListApi.as_view(), name="entrustment-list"),
    path("entrustments/<int:entrustment_id>/", work.EntrustmentDetailApi.as_view(), name="entrustment-detail"),
    path("entrustments/<int:entrustment_id>/submit/", work.EntrustmentSubmitApi.as_view(), name="entrustment-submit"),
    path(
        "entrustments/<int:entrustment_id>/withdraw/",
        work.EntrustmentWithdrawApi.as_view(),
        name="entrustment-withdraw",
    ),
    path(
        "entrustments/<int:entrustment_id>/attachments/",
        work.EntrustmentAttachmentAddApi.as_view(),
        name="entrustment-attachment-add",
    ),
    path(
        "entrustment-attachments/<int:entrustment_attachment_id>/",
        work.EntrustmentAttachmentApi.as_view(),
        name="entrustment-attachment",
    ),
    path("entrustments/<int:entrustment_id>/accept/", work.EntrustmentAcceptApi.as_view(), name="entrustment-accept"),
    path("entrustments/<int:entrustment_id>/reject/", work.EntrustmentRejectApi.as_view(), name="entrustment-reject"),
    path("entrustments/<int:entrustment_id>/lot/", work.EntrustmentLotApi.as_view(), name="entrustment-lot"),
    path("centre/entrustments/", work.CentreEntrustmentListApi.as_view(), name="centre-entrustments"),
    path("centre/lots/", work.CentreLotListApi.as_view(), name="centre-lots"),
    path("centre/trading/", console.CentreTradingApi.as_view(), name="centre-trading"),  # the console's live view
    path("grantor/lots/", work.GrantorLotListApi.as_view(), name="grantor-lots"),
    path("work/lots/<int:lot_id>/", work.LotWorkApi.as_view(), name="lot-work"),
    path("work/lots/<int:lot_id>/documents/", work.LotDocumentAddApi.as_view(), name="lot-document-add"),
    path("work/lots/<int:lot_id>/register/", work.LotRegisterApi.as_view(), name="lot-register"),
    path("work/lots/<int:lot_id>/return/", work.LotReturnApi.as_view(), name="lot-return"),
    path("work/lots/<int:lot_id>/rules/", work.LotRulesApi.as_view(), name="lot-rules"),
    path(
        "work/lots/<int:lot_id>/announcements/",
        work.LotAnnouncementCreateApi.as_view(),
        name="lot-announcement-create",
    ),
    path(
        "work/announcements/<int:announcement_id>/",
        work.AnnouncementDraftApi.as_view(),
        name="announcement-draft",
    ),
    path(
        "work/announcements/<int:announcement_id>/documents/",
        work.AnnouncementDocumentAddApi.as_view(),
        name="announcement-document-add",
    ),
    path(
        "work/announcements/<int:announcement_id>/publish/",
        work.AnnouncementPublishApi.as_view(),
        name="announcement-publish",
    ),
    path("supervision/lots/", supervision.SupervisedLotsApi.as_view(), name="supervision-lots"),
    path("supervision/entrustments/", supervision.SupervisedEntrustmentsApi.as_view(), name="supervision-entrustments"),
    path("supervision/events/", supervision.SupervisedEventsApi.as_view(), name="supervision-events"),
    path("supervision/anomalies/", supervision.SupervisedAnomaliesApi.as_view(), name="supervision-anomalies"),
    path(
        "work/lots/<int:lot_id>/evidence-check/",
        supervision.LotEvidenceCheckApi.as_view(),
        name="lot-evidence-check",
    ),
    # bid applications (竞买申请), deposits and the 竞买资格确认书 (auctions/api/bidding.py)
    path("lots/<int:lot_id>/applications/", bidding.LotApplicationApi.as_view(), name="bid-application-submit"),
    path("applications/", bidding.MyApplicationListApi.as_view(), name="bid-applications-mine"),
    path("applications/<int:application_id>/", bidding.MyApplicationApi.as_view(), name="bid-application-mine"),
    path(
        "applications/<int:application_id>/documents/",
        bidding.ApplicationDocumentAddApi.as_view(),
        name="bid-application-document-add",
    ),
    path(
        "applications/<int:application_id>/qualification.pdf",
        bidding.QualificationPdfApi.as_view(),
        name="bid-qualification-pdf",
    ),
    path(
        "centre/lots/<int:lot_id>/applications/",
        bidding.CentreLotApplicationListApi.as_view(),
        name="centre-lot-applications",
    ),
    path(
        "applications/<int:application_id>/approve/",
        bidding.ApplicationApproveApi.as_view(),
        name="bid-application-approve",
    ),
    path(
        "applications/<int:application_id>/reject/",
        bidding.ApplicationRejectApi.as_view(),
        name="bid-application-reject",
    ),
    path(
        "applications/<int:application_id>/qualify/",
        bidding.ApplicationQualifyApi.as_view(),
        name="bid-application-qualify",
    ),
    # the banks (auctions/api/bank.py): the signed arrival webhook and the reconciliation's differences
    path("bank/<slug:bank_code>/arrivals/", bank.BankArrivalApi.as_view(), name="bank-arrivals"),
    path("bank/reconciliation/", bank.ReconciliationApi.as_view(), name="bank-reconciliation"),
    # a centre's own details, kept by its staff (auctions/api/centres.py)
    path("centre/<int:centre_id>/", centres.CentreApi.as_view(), name="centre-detail"),
    # deposits after the trade (auctions/api/refunds.py): a lot's refunds and conversion, the retry of a failed one
    path(
        "work/lots/<int:lot_id>/deposit-movements/",
        refunds.LotMovementListApi.as_view(),
        name="lot-deposit-movements",
    ),
    path(
        "work/lots/<int:lot_id>/deposit-movements/<int:arrival_id>/retry/",
        refunds.MovementRetryApi.as_view(),
        name="lot-deposit-movement-retry",
    ),
]
