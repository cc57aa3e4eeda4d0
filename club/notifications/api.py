"""API of the member's notifications and email preferences."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from club.notifications import services as notifications
from club.notifications.models import Notification, NotificationKind
from club.notifications.selectors import email_preferences_of, inbox_of, notifications_unread_count


class NotificationSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="shown_title", read_only=True, help_text="In the reader's language.")
    body = serializers.CharField(source="shown_body", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at"]


class InboxPagination(PageNumberPagination):
    """Pages of the inbox; the list adds the unread count in front (documented here)."""

    def get_paginated_response_schema(self, schema):
        page = super().get_paginated_response_schema(schema)
        page["properties"] = {"unread": {"type": "integer", "example": 2}, **page["properties"]}
        page["required"] = ["unread", *page.get("required", [])]
        return page


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """My notifications, newest first, with the unread count."""

    serializer_class = NotificationSerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = InboxPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no member
            return Notification.objects.none()
        return inbox_of(member=self.request.user)

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        unread = notifications_unread_count(member=request.user)
        response.data = {"unread": unread, **response.data}
        return response

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = get_object_or_404(self.get_queryset(), pk=pk)
        notifications.notifications_mark_read(member=request.user, notification_id=notification.pk)
        notification.refresh_from_db()
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses=inline_serializer("ReadAll", {"marked": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": notifications.notifications_mark_read(member=request.user)})


# One boolean per kind of notification.
PreferencesSerializer = type(
    "NotificationPreferencesSerializer",
    (serializers.Serializer,),
    {kind.value: serializers.BooleanField(required=False) for kind in NotificationKind},
)


class NotificationPreferencesView(APIView):
    """For each kind of notification: also by email (true) or inbox only (false)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=PreferencesSerializer)
    def get(self, request):
        return Response(email_preferences_of(member=request.user))

    @extend_schema(request=PreferencesSerializer, responses=PreferencesSerializer)
    def patch(self, request):
        serializer = PreferencesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        unknown = set(request.data) - set(NotificationKind.values)
        if unknown:
            raise serializers.ValidationError({key: ["unknown kind"] for key in sorted(unknown)})
        for kind, by_email in serializer.validated_data.items():
            notifications.preference_set(member=request.user, kind=kind, by_email=by_email)
        return Response(email_preferences_of(member=request.user))
