"""Gift texts that staff write in French and may translate into English."""

from modeltranslation.translator import TranslationOptions, register

from rewards.shop.models import Gift


@register(Gift)
class GiftTranslation(TranslationOptions):
    fields = ("name", "description", "picture_alt")
    required_languages = ("fr",)
