"""Modules that apps declare by name (`<app>/personal_data.py`, `<app>/scale.py`…), found in INSTALLED_APPS order."""

from collections.abc import Iterator
from importlib import import_module
from types import ModuleType

from django.apps import apps


def app_modules(name: str) -> Iterator[ModuleType]:
    """Each installed app's `name` module, skipping apps without one (an error inside one is raised)."""
    for app_config in apps.get_app_configs():
        try:
            yield import_module(f"{app_config.name}.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"{app_config.name}.{name}":
                raise
