"""API of the shop (members: session or token authentication).

POSTs that move points accept an `Idempotency-Key` header.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from club.core.api import IDEMPOTENCY_PARAMETER, StrictPrimaryKeyRelatedField
from club.core.idempotency import idempotent
from rewards.ledger.selectors import balance_of
from rewards.shop import services
from rewards.shop.models import Gift, Redemption
from rewards.shop.selectors import gift_offer, gifts_in_shop, redemptions_of


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
        return gift_offer(gift=gift, balance=0).available

    def get_missing_points(self, gift) -> int | None:
        balance = self.context.get("balance")
        return None if balance is None else gift_offer(gift=gift, balance=balance).missing


class GiftViewSet(viewsets.ReadOnlyModelViewSet):
    """The shop; for a logged-in member, `missing_points` says how far each gift is."""

    serializer_class = GiftSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        return gifts_in_shop()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = self.request.user
        context["balance"] = balance_of(member=user) if user.is_authenticated else None
        return context


class RedemptionSerializer(serializers.ModelSerializer):
    gift = StrictPrimaryKeyRelatedField(queryset=Gift.objects.all())
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
        return redemptions_of(member=self.request.user)

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
