"""API token authentication that also speaks the member's language.

Session requests get the member's language from the middleware; token requests
are authenticated later, inside the API view, so the language is set here.
"""

from django.utils import translation
from rest_framework.authentication import TokenAuthentication


class MemberTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        translation.activate(user.preferred_language)
        return user, token
