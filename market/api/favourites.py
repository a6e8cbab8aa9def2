"""Market API: favourites (收藏) of supply listings and demands, and the seeker's list of them (我的收藏)."""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import request_user
from core.pagination import PageNumberPagination
from core.serializers import ErrorOutput
from market.api.interactions import ERRORS, ID_MAX, TAGS, area_field, money_field, paged_response, validated
from market.models import Favourite
from market.selectors.favourites import FavouriteFilters, favourite_rows, my_favourite_list
from market.services.favourites import favourite_add, favourite_remove, target_model


class FavouriteOutput(serializers.Serializer):
    id = serializers.IntegerField()
    target = serializers.ChoiceField(choices=Favourite.Target.choices)
    target_id = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class FavouriteCreateApi(APIView):
    """Keep a public supply listing or demand (201; 200 with the same favourite when it is already kept).
    Entrusted transactions are not supported yet (400 not_supported on `target`)."""

    permission_classes = [IsAuthenticated]

    class Input(serializers.Serializer):
        target = serializers.ChoiceField(choices=Favourite.Target.choices)
        target_id = serializers.IntegerField(min_value=1, max_value=ID_MAX)

        class Meta:
            ref_name = "FavouriteCreateInput"

    @extend_schema(
        tags=TAGS,
        operation_id="favourite_create",
        request=Input,
        responses={200: FavouriteOutput, 201: FavouriteOutput, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        favourite, created = favourite_add(user=request_user(request), **validated(self.Input, request.data))
        return Response(
            FavouriteOutput(favourite).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class FavouriteDeleteApi(APIView):
    """Stop keeping a favourite (取消收藏); 404 when it is not kept."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="favourite_delete",
        parameters=[
            OpenApiParameter("target", str, OpenApiParameter.PATH, enum=Favourite.Target.values),
            OpenApiParameter("target_id", int, OpenApiParameter.PATH),
        ],
        responses={204: None, 400: ErrorOutput, 401: ErrorOutput, 404: ErrorOutput},
    )
    def delete(self, request: Request, target: str, target_id: int) -> Response:
        favourite_remove(user=request_user(request), target=target, target_id=target_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyFavouriteListApi(APIView):
    """我的收藏: my favourites of one kind (supply by default), newest first, each with its target's title, area,
    price, status and page; one that left the public shows with `available` false. Filters: title, publication
    date (from, to) and area (m²)."""

    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination

    class Input(serializers.Serializer):
        target = serializers.ChoiceField(choices=Favourite.Target.choices, default=Favourite.Target.SUPPLY)
        title = serializers.CharField(max_length=200, required=False)
        published_from = serializers.DateField(required=False, help_text="YYYY-MM-DD")
        published_to = serializers.DateField(required=False, help_text="YYYY-MM-DD")
        area_min = area_field(min_value=0, required=False, help_text="m²")
        area_max = area_field(min_value=0, required=False, help_text="m²")

        class Meta:
            ref_name = "MyFavouriteListFilter"

    class Output(serializers.Serializer):
        id = serializers.IntegerField(source="favourite.pk")
        target = serializers.CharField(source="favourite.target")
        target_id = serializers.IntegerField(source="favourite.target_id")
        created_at = serializers.DateTimeField(source="favourite.created_at")
        available = serializers.BooleanField(help_text="false once the target left the public")
        title = serializers.CharField(allow_null=True)
        status = serializers.CharField(allow_null=True)
        published_at = serializers.DateTimeField(allow_null=True)
        area_m2 = area_field(allow_null=True, help_text="supply")
        price_wan = money_field(allow_null=True, help_text="supply; null: negotiable (面议)")
        area_min_m2 = area_field(allow_null=True, help_text="demand")
        area_max_m2 = area_field(allow_null=True, help_text="demand")
        price_min_wan = money_field(allow_null=True, help_text="demand")
        price_max_wan = money_field(allow_null=True, help_text="demand")
        link = serializers.CharField()

        class Meta:
            ref_name = "MyFavouriteListRow"

    @extend_schema(
        tags=TAGS,
        operation_id="my_favourite_list",
        parameters=[Input],
        responses={200: Output(many=True), 400: ErrorOutput, 401: ErrorOutput},
    )
    def get(self, request: Request) -> Response:
        data = validated(self.Input, request.query_params)
        target_model(data["target"])  # 400 for a kind that cannot be kept yet
        filters = FavouriteFilters(
            title=data.get("title", ""),
            published_from=data.get("published_from"),
            published_to=data.get("published_to"),
            area_min_m2=data.get("area_min"),
            area_max_m2=data.get("area_max"),
        )
        favourites = my_favourite_list(user=request_user(request), target=data["target"], filters=filters)
        return paged_response(request, self, favourites, self.Output, lambda page: favourite_rows(favourites=page))


urlpatterns = [
    path("favourites/", FavouriteCreateApi.as_view(), name="favourite-create"),
    path("favourites/<str:target>/<int:target_id>/", FavouriteDeleteApi.as_view(), name="favourite-delete"),
    path("my/favourites/", MyFavouriteListApi.as_view(), name="my-favourites"),
]
