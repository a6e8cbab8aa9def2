"""Market API: viewing appointments (预约看地) on a supply listing, marking them viewed or cancelling them, and the
seeker's list."""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsVerified, request_user
from core.pagination import PageNumberPagination
from core.serializers import ErrorOutput
from market.api.interactions import (
    ERRORS,
    LISTING_PATH,
    TAGS,
    AwareDateTimeField,
    ListingRefOutput,
    paged_response,
    validated,
)
from market.models import SupplyListing, ViewingAppointment
from market.selectors.appointments import (
    AppointmentStatus,
    appointment_status,
    listing_appointments,
    my_appointment_list,
)
from market.services.appointments import appointment_cancel, appointment_create, appointment_mark_viewed

APPOINTMENT_PATH = OpenApiParameter("appointment_id", int, OpenApiParameter.PATH, description="the appointment's id")


class OwnerAppointmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField()
    visit_at = serializers.DateTimeField()
    viewed_at = serializers.DateTimeField(allow_null=True)
    status = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_status(self, appointment: ViewingAppointment) -> str:
        return appointment_status(appointment)


class MyAppointmentOutput(OwnerAppointmentOutput):
    listing = ListingRefOutput()
    contact_name = serializers.SerializerMethodField(help_text="the listing's contact (联系人)")
    contact_phone = serializers.SerializerMethodField()

    def get_contact_name(self, appointment: ViewingAppointment) -> str:
        return appointment.listing.agent_name or appointment.listing.owner_name

    def get_contact_phone(self, appointment: ViewingAppointment) -> str:
        return appointment.listing.agent_phone or appointment.listing.owner_phone


class SupplyAppointmentApi(APIView):
    """GET: the listing's viewing appointments, for its owner only (404 for anyone else). POST: a verified user
    who does not act for the owner books a viewing of a public listing: a name, a mainland mobile number, and a
    time in the next 90 days with its UTC offset."""

    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination

    class Input(serializers.Serializer):
        # Only the types here: the service checks the values, and names every bad field at once.
        name = serializers.CharField(allow_blank=True, help_text="who will come, at most 64 characters; kept as given")
        phone = serializers.CharField(allow_blank=True, help_text="a mainland mobile number, 11 digits")
        visit_at = AwareDateTimeField(help_text="ISO 8601 with offset, in the future, at most 90 days ahead")

        class Meta:
            ref_name = "AppointmentCreateInput"

    def get_permissions(self) -> list[BasePermission]:
        return [IsAuthenticated()] if self.request.method in SAFE_METHODS else [IsVerified()]

    @extend_schema(
        tags=TAGS,
        operation_id="supply_appointment_list",
        parameters=[LISTING_PATH],
        responses={200: OwnerAppointmentOutput(many=True), 401: ErrorOutput, 404: ErrorOutput},
    )
    def get(self, request: Request, listing_id: int) -> Response:
        appointments = listing_appointments(listing_id=listing_id, user=request_user(request))
        return paged_response(request, self, appointments, OwnerAppointmentOutput)

    @extend_schema(
        tags=TAGS,
        operation_id="supply_appointment_create",
        parameters=[LISTING_PATH],
        request=Input,
        responses={201: MyAppointmentOutput, **ERRORS},
    )
    def post(self, request: Request, listing_id: int) -> Response:
        data = validated(self.Input, request.data)
        appointment = appointment_create(listing_id=listing_id, user=request_user(request), **data)
        return Response(MyAppointmentOutput(appointment).data, status=status.HTTP_201_CREATED)


class MyAppointmentListApi(APIView):
    """我的申购-预约看地: my bookings, latest time first, with the listing and its contact; by title, by status
    (upcoming: not marked viewed; viewed) and by the listing's status."""

    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination

    class Input(serializers.Serializer):
        title = serializers.CharField(max_length=200, required=False)
        status = serializers.ChoiceField(choices=AppointmentStatus.CHOICES, required=False)
        listing_status = serializers.ChoiceField(choices=SupplyListing.Status.choices, required=False)

        class Meta:
            ref_name = "MyAppointmentListFilter"

    @extend_schema(
        tags=TAGS,
        operation_id="my_appointment_list",
        parameters=[Input],
        responses={200: MyAppointmentOutput(many=True), 400: ErrorOutput, 401: ErrorOutput},
    )
    def get(self, request: Request) -> Response:
        filters = validated(self.Input, request.query_params)
        return paged_response(
            request, self, my_appointment_list(user=request_user(request), **filters), MyAppointmentOutput
        )


class AppointmentViewedApi(APIView):
    """Mark my booking viewed (已看地), once its time has passed (409 visit_not_passed before); someone else's is
    404."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="appointment_viewed",
        parameters=[APPOINTMENT_PATH],
        request=None,
        responses={200: MyAppointmentOutput, **ERRORS},
    )
    def post(self, request: Request, appointment_id: int) -> Response:
        appointment = appointment_mark_viewed(appointment_id=appointment_id, user=request_user(request))
        return Response(MyAppointmentOutput(appointment).data)


class AppointmentCancelApi(APIView):
    """Cancel my booking before its time (409 visit_passed afterwards); it is deleted. Someone else's is 404."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="appointment_cancel",
        parameters=[APPOINTMENT_PATH],
        request=None,
        responses={204: None, **ERRORS},
    )
    def post(self, request: Request, appointment_id: int) -> Response:
        appointment_cancel(appointment_id=appointment_id, user=request_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("supply/<int:listing_id>/appointments/", SupplyAppointmentApi.as_view(), name="supply-appointments"),
    path("appointments/<int:appointment_id>/viewed/", AppointmentViewedApi.as_view(), name="appointment-viewed"),
    path("appointments/<int:appointment_id>/cancel/", AppointmentCancelApi.as_view(), name="appointment-cancel"),
    path("my/appointments/", MyAppointmentListApi.as_view(), name="my-appointments"),
]
