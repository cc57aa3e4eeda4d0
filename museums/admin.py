from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from museums.models import Museum


@admin.register(Museum)
class MuseumAdmin(TranslationAdmin):
    list_display = ["name", "town", "is_active", "position"]
    list_editable = ["is_active", "position"]
    list_filter = ["town", "is_active"]
    search_fields = ["name", "town"]
    prepopulated_fields = {"slug": ["name"]}
