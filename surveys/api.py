"""The surveys API under /api/v1/: routes listed in `api_urls`, included by `club.urls`."""

api_urls: list = []
