"""The page language: French by default, English by choice, never by URL.

Anonymous visitors get the language of the `club_language` cookie set by the
visible switch, else French — the browser's Accept-Language is deliberately not
consulted, as the club speaks French first and offers English on request. A
logged-in member gets the language of their profile (the switch updates it, see
`club.members.views.language_set`), and the cookie follows, so the site stays in that
language after logout. No URL prefix: links in emails and QR codes never depend
on the language.

A link may still ask for a language, for a visitor who is not logged in:
`?lang=en` on any page (an English poster's QR code) shows it in English and
sets the cookie, as the switch would. Only the site's languages are heard; a
logged-in member keeps the language of their profile (the switch changes it, a
link does not).
"""

from django.conf import settings
from django.utils import translation

_SUPPORTED = {code for code, _name in settings.LANGUAGES}
LANGUAGE_PARAMETER = "lang"  # ?lang=en


class ClubLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        member = user if user is not None and user.is_authenticated else None
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        asked = request.GET.get(LANGUAGE_PARAMETER) if member is None else None
        if member is not None and member.preferred_language in _SUPPORTED:
            language = member.preferred_language
        elif asked in _SUPPORTED:
            language = asked
        elif cookie in _SUPPORTED:
            language = cookie
        else:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language

        response = self.get_response(request)

        response.headers.setdefault("Content-Language", language)
        remembered = member is not None or asked in _SUPPORTED
        if remembered and cookie != language and settings.LANGUAGE_COOKIE_NAME not in response.cookies:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
        return response
