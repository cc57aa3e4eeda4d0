"""The Celery application, configured from Django's settings (CELERY_* names).

Without REDIS_URL tasks run eagerly in-process, so the quick start needs no
broker; with it, Redis is the broker and django-celery-beat the scheduler.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "club.settings")

app = Celery("club")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Periodic jobs that call services live beside the tasks those services queue (no import cycle).
app.autodiscover_tasks(related_name="jobs")
