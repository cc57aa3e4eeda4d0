"""allauth adapter: where sign-up, verification and passwords hand over to the club."""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse
from django.utils import translation

from club.core.ip import client_ip
from club.members import services


class ClubAccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request):
        """allauth's rate limits use the trusted proxies' word, like the lockout and the API."""
        return client_ip(request)

    def get_login_redirect_url(self, request):
        # Staff land on "Espace équipe", members on "Mon club" (an explicit ?next= wins, as allauth does).
        return reverse("staff:hub") if request.user.is_staff else reverse("club:dashboard")

    def get_email_verification_redirect_url(self, email_address):
        return reverse("club:dashboard")

    def get_password_change_redirect_url(self, request):
        return reverse("members:profile")

    def login(self, request, user):
        super().login(request, user)
        # Messages added after login ("signed in as…") speak the member's language.
        translation.activate(user.preferred_language)

    def confirm_email(self, request, email_address):
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            # The welcome points are paid once the email is verified (and only once).
            services.member_email_verified(member=email_address.user)
        return confirmed
