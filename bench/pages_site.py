"""What `bench/pages.py` serves: the club as deployed, plus the baseline view (never part of the site).

gunicorn loads `bench.pages_site:application`; the URLconf is the club's with
one more address, `/bench/empty/`, an empty view behind the same middleware
that reads `request.user` (two queries: the session and the user), the floor
every page is measured against.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "club.settings")

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402

application = get_wsgi_application()


def empty(request):
    return HttpResponse("member" if request.user.is_authenticated else "visitor", content_type="text/plain")


def _urlpatterns():
    from club.urls import urlpatterns

    return [path("bench/empty/", empty, name="bench_empty"), *urlpatterns]


urlpatterns = _urlpatterns()
settings.ROOT_URLCONF = __name__
