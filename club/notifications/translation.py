"""Staff-written texts of the club app that may be translated into English."""

from modeltranslation.translator import TranslationOptions, register

from club.notifications.models import Announcement


@register(Announcement)
class AnnouncementTranslation(TranslationOptions):
    fields = ("title", "body")
    required_languages = ("fr",)
