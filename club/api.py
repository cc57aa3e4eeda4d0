"""The API's shared conventions and the member's own endpoints.

Every `DomainError` and every DRF error leaves the API in one JSON shape:
`{"code": "...", "message": "...", "details": {...}}`, with a 4xx status.
"""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from club import services
from club.errors import DomainError
from club.models import Consent, Member


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response(
            {"code": exc.code, "message": str(exc.message), "details": exc.details},
            status=exc.status,
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ValidationError):
        body = {"code": "invalid", "message": "Invalid input.", "details": response.data}
    elif isinstance(exc, Http404):
        body = {"code": "not_found", "message": "Not found.", "details": {}}
    elif isinstance(exc, APIException):
        codes = exc.get_codes()
        body = {
            "code": codes if isinstance(codes, str) else "error",
            "message": str(exc.detail) if not isinstance(exc.detail, dict | list) else "Error.",
            "details": {},
        }
    else:
        body = {"code": "error", "message": "Error.", "details": response.data}
    response.data = body
    return response


class MeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Member
        fields = [
            "email",
            "display_name",
            "membership_number",
            "preferred_language",
            "favourite_museum",
            "consent_news",
            "consent_surveys",
            "date_joined",
        ]
        read_only_fields = ["email", "membership_number", "date_joined"]


class MeView(APIView):
    """The logged-in member's profile; PATCH changes it (consents are journaled)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)

    @extend_schema(request=MeSerializer, responses=MeSerializer)
    def patch(self, request):
        member = request.user
        serializer = MeSerializer(member, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.profile_update(
            member=member,
            display_name=data.get("display_name", member.display_name),
            preferred_language=data.get("preferred_language", member.preferred_language),
            favourite_museum=data.get("favourite_museum", member.favourite_museum),
            consents={
                Consent.NEWS: data.get("consent_news", member.consent_news),
                Consent.SURVEYS: data.get("consent_surveys", member.consent_surveys),
            },
            source="api",
        )
        return Response(MeSerializer(member).data, status=status.HTTP_200_OK)
