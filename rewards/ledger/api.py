"""API of the member's points: balance and history."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import APIView

from club.core.schema import page_of
from rewards.ledger.models import LedgerEntry
from rewards.ledger.selectors import balance_of, history_of, history_page_describe


class LedgerEntrySerializer(serializers.ModelSerializer):
    description = serializers.CharField(read_only=True)

    class Meta:
        model = LedgerEntry
        fields = ["id", "created_at", "amount", "reason", "description", "reference", "balance_after"]


# What `GET /me/points/` answers: the balance, then one page of history.
PointsPageSerializer = page_of("PointsPage", LedgerEntrySerializer(many=True), balance=serializers.IntegerField())


class PointsView(APIView):
    """My balance and my history (newest first, paginated)."""

    permission_classes = [permissions.IsAuthenticated]
    pagination_class = PageNumberPagination

    @extend_schema(
        responses=PointsPageSerializer,
        parameters=[OpenApiParameter("page", int, description="A page number within the history.")],
    )
    def get(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(history_of(member=request.user), request, view=self)
        entries = history_page_describe(entries=page or [])
        response = paginator.get_paginated_response(LedgerEntrySerializer(entries, many=True).data)
        response.data = {"balance": balance_of(member=request.user), **response.data}
        return response
