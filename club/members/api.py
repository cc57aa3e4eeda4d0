"""The member's own endpoints: profile (`/me/`) and the API token."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from club.core.api import StrictPrimaryKeyRelatedField
from club.members import services
from club.members.models import Consent, Member
from club.members.selectors import member_is_verified
from museums.selectors import museums_visible


class MeSerializer(serializers.ModelSerializer):
    favourite_museum = StrictPrimaryKeyRelatedField(queryset=museums_visible(), allow_null=True, required=False)

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
        # The Django request, so that django-axes counts this attempt with the site's and the admin's.
        member = authenticate(
            request._request,
            email=serializer.validated_data["email"].lower(),
            password=serializer.validated_data["password"],
        )
        if member is None:
            raise exceptions.AuthenticationFailed(_("Adresse e-mail ou mot de passe incorrect."))
        if not member_is_verified(member=member):
            raise exceptions.PermissionDenied(_("Confirmez d'abord votre adresse e-mail."))
        return Response({"token": services.member_api_token(member=member)})
