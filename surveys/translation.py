"""Survey texts that staff write in French and may translate into English (falling back to French)."""

from modeltranslation.translator import TranslationOptions, register

from surveys.models import Choice, MatrixRow, Question, Survey, SurveyPage


@register(Survey)
class SurveyTranslation(TranslationOptions):
    fields = ("title", "introduction")
    required_languages = ("fr",)


@register(SurveyPage)
class SurveyPageTranslation(TranslationOptions):
    fields = ("title",)


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("text", "help_text")
    required_languages = ("fr",)


@register(Choice)
class ChoiceTranslation(TranslationOptions):
    fields = ("label", "picture_alt")
    required_languages = {"fr": ("label",)}


@register(MatrixRow)
class MatrixRowTranslation(TranslationOptions):
    fields = ("label",)
    required_languages = ("fr",)
