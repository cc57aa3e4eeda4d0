"""What `bench/surveys_store.py` serves: the club as deployed, plus the baseline view (never part of the site).

gunicorn loads `bench.surveys_site:application`; the URLconf is the club's with
one more address, `/bench/empty-post/`: an empty POST behind the same
middleware and the same API stack as the surveys API (token authentication —
one query —, the member-only permission, the error handler), answering 201
without reading the body. Storing a response is measured against it.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "club.settings")

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.urls import path  # noqa: E402

application = get_wsgi_application()

from rest_framework import permissions  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402


class EmptyPost(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def post(self, request):
        return Response({}, status=201)


def _urlpatterns():
    from club.urls import urlpatterns

    return [path("bench/empty-post/", EmptyPost.as_view(), name="bench_empty_post"), *urlpatterns]


urlpatterns = _urlpatterns()
settings.ROOT_URLCONF = __name__
