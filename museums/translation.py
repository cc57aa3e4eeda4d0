"""Fields of `Museum` that staff write in French and may translate into English."""

from modeltranslation.translator import TranslationOptions, register

from museums.models import Museum


@register(Museum)
class MuseumTranslation(TranslationOptions):
    fields = ("name", "short_name", "opening_hours", "presentation", "picture_alt")
    required_languages = ("fr",)
