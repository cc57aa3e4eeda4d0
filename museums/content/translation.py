"""Content texts that staff write in French and may translate into English (falling back to French)."""

from modeltranslation.translator import TranslationOptions, register

from museums.content.models import Content, ContentImage, Series, Tag


@register(Content)
class ContentTranslation(TranslationOptions):
    fields = ("title", "summary", "body", "body_html", "cover_alt", "transcript")
    required_languages = {"fr": ("title", "summary")}


@register(ContentImage)
class ContentImageTranslation(TranslationOptions):
    fields = ("alt", "caption")
    required_languages = {"fr": ("alt",)}


@register(Series)
class SeriesTranslation(TranslationOptions):
    fields = ("title", "summary")
    required_languages = {"fr": ("title",)}


@register(Tag)
class TagTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("fr",)
