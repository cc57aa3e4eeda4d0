"""The language of a logged-in member follows their profile.

Anonymous visitors get the language of the `club_language` cookie (set by the
visible switch) or of their browser; once logged in, the profile's preferred
language wins, and the switch updates the profile (see `club.views.language_set`).
No URL prefix: links in emails and QR codes never depend on the language.
"""

from django.utils import translation


class MemberLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = user.preferred_language
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
