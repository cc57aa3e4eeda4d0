"""Event texts that staff write in French and may translate into English (falling back to French)."""

from modeltranslation.translator import TranslationOptions, register

from museums.events.models import Activity, Session


@register(Activity)
class ActivityTranslation(TranslationOptions):
    fields = ("title", "summary", "description", "picture_alt")
    required_languages = {"fr": ("title", "summary")}


@register(Session)
class SessionTranslation(TranslationOptions):
    fields = ("place",)
