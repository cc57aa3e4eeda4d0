"""API of the points and the shop (members: session or token authentication).

POSTs that move points accept an `Idempotency-Key` header.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from club.idempotency import HEADER, idempotent
from rewards import services
from rewards.models import Gift, LedgerEntry, Redemption
from rewards.selectors import balance_of, gifts_in_shop, history_of, redemptions_of

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    description="A unique key per operation: a retry with the same key replays the first answer.",
)


class LedgerEntrySerializer(serializers.ModelSerializer):
    description = serializers.CharField(read_only=True)

    class Meta:
        model = LedgerEntry
        fields = ["id", "created_at", "amount", "reason", "description", "reference", "balance_after"]


class PointsView(APIView):
    """My balance and my history (newest first, paginated)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=LedgerEntrySerializer(many=True))
    def get(self, request):
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(history_of(request.user), request, view=self)
        response = paginator.get_paginated_response(LedgerEntrySerializer(page, many=True).data)
        response.data = {"balance": balance_of(request.user), **response.data}
        return response


class GiftSerializer(serializers.ModelSerializer):
    museum = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    thumbnail = serializers.ImageField(read_only=True)
    available = serializers.SerializerMethodField()
    missing_points = serializers.SerializerMethodField()

    class Meta:
        model = Gift
        fields = [
            "id",
            "slug",
            "name",
            "description",
            "points",
            "stock",
            "per_member_limit",
            "museum",
            "thumbnail",
            "picture_alt",
            "available_until",
            "available",
            "missing_points",
        ]

    def get_available(self, gift) -> bool:
        return gift.stock > 0

    def get_missing_points(self, gift) -> int | None:
        balance = self.context.get("balance")
        return None if balance is None else max(0, gift.points - balance)


class GiftViewSet(viewsets.ReadOnlyModelViewSet):
    """The shop; for a logged-in member, `missing_points` says how far each gift is."""

    serializer_class = GiftSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        return gifts_in_shop()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = self.request.user
        context["balance"] = balance_of(user) if user.is_authenticated else None
        return context


class RedemptionSerializer(serializers.ModelSerializer):
    gift = serializers.PrimaryKeyRelatedField(queryset=Gift.objects.all())
    gift_name = serializers.CharField(source="gift.name", read_only=True)
    museum = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Redemption
        fields = [
            "id",
            "gift",
            "gift_name",
            "code",
            "status",
            "points",
            "museum",
            "created_at",
            "expires_at",
            "collected_at",
            "cancelled_at",
        ]
        read_only_fields = [f for f in fields if f != "gift"]


class RedemptionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """My vouchers; POST redeems a gift, `cancel` gives the points back."""

    serializer_class = RedemptionSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return redemptions_of(self.request.user)

    @extend_schema(parameters=[IDEMPOTENCY_PARAMETER], responses={201: RedemptionSerializer})
    @idempotent
    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        redemption = services.gift_redeem(member=request.user, gift=serializer.validated_data["gift"])
        return Response(self.get_serializer(redemption).data, status=201)

    @extend_schema(request=None, parameters=[IDEMPOTENCY_PARAMETER], responses=RedemptionSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def cancel(self, request, pk=None):
        redemption = get_object_or_404(self.get_queryset(), pk=pk)
        redemption = services.redemption_cancel(redemption=redemption, by=request.user)
        return Response(self.get_serializer(redemption).data)
