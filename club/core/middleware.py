"""Requests no page can answer are refused before any view runs."""

from django.http import Http404


class RefuseNulBytesMiddleware:
    """A NUL byte in the path (`/mon-club/bons/%00/`) is a 404, never a database error.

    PostgreSQL cannot store or compare strings holding NUL; forms already refuse
    it (Django's ProhibitNullCharactersValidator), this covers URL arguments.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            raise Http404("NUL byte in the address")
        return self.get_response(request)
