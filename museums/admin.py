from django import forms
from django.contrib import admin
from django.db import models
from modeltranslation.admin import TranslationAdmin

from club.core.images import CheckedImageField
from museums.models import Museum


@admin.register(Museum)
class MuseumAdmin(TranslationAdmin):
    list_display = ["name", "town", "is_active", "position"]
    list_editable = ["is_active", "position"]
    list_filter = ["town", "is_active"]
    search_fields = ["name", "town"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = {
        models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"},
        models.ImageField: {"form_class": CheckedImageField},
    }
