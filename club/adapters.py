"""allauth adapter: where sign-up and login hand over to the club."""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class ClubAccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        return super().get_login_redirect_url(request) or reverse("club:dashboard")

    def get_email_verification_redirect_url(self, email_address):
        return reverse("club:dashboard")
