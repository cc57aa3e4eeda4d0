"""Read-only API of the network's museums (public reference data)."""

from rest_framework import permissions, serializers, viewsets

from museums.models import Museum
from museums.selectors import museums_visible


class MuseumSerializer(serializers.ModelSerializer):
    class Meta:
        model = Museum
        fields = [
            "id",
            "slug",
            "name",
            "short_name",
            "town",
            "address",
            "postcode",
            "opening_hours",
            "website",
            "phone",
            "presentation",
            "picture",
        ]


class MuseumViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = MuseumSerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "slug"

    def get_queryset(self):
        return museums_visible()
