"""The API's shared conventions and the member's own endpoints.

Every error leaves the API in one JSON shape, in the member's language:
`{"code": "...", "message": "...", "details": {...}}`, with a 4xx status (503
with `Retry-After` when a lock could not be had in time).
"""

from django.contrib.auth import authenticate
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from club import services
from club.errors import DomainError
from club.models import Consent, Member
from club.selectors import member_is_verified


def _body(code: str, message, details=None) -> dict:
    return {"code": code, "message": str(message), "details": details or {}}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        response = Response(_body(exc.code, exc.message, exc.details), status=exc.status)
        if getattr(exc, "retry_after", None):
            response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = _body("invalid", _("Certaines données ne sont pas valides."), response.data)
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        message = exc.detail if isinstance(exc.detail, str) else _("Erreur.")
        response.data = _body(codes if isinstance(codes, str) else "error", message)
    return response


def api_not_found(request, exception=None):
    """JSON 404 for unknown addresses under /api/ (the site's 404 page elsewhere)."""
    return JsonResponse(_body("not_found", _("Cette adresse de l'API n'existe pas.")), status=404)


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


class LoginThrottle(AnonRateThrottle):
    scope = "token"


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class TokenView(APIView):
    """Exchange email and password for the member's API token (one per member).

    The token changes when the password changes, and disappears with the account.
    """

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [LoginThrottle]

    def get_authenticate_header(self, request):
        return "Token"  # wrong credentials answer 401, as for the other endpoints

    @extend_schema(
        request=TokenRequestSerializer,
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = authenticate(
            request, email=serializer.validated_data["email"].lower(), password=serializer.validated_data["password"]
        )
        if member is None:
            raise exceptions.AuthenticationFailed(_("Adresse e-mail ou mot de passe incorrect."))
        if not member_is_verified(member):
            raise exceptions.PermissionDenied(_("Confirmez d'abord votre adresse e-mail."))
        token, _created = Token.objects.get_or_create(user=member)
        return Response({"token": token.key})
