"""Forms of the members' pages: the extra sign-up questions and the profile."""

from allauth.account.forms import ChangePasswordForm, LoginForm, ResetPasswordForm, ResetPasswordKeyForm, SignupForm
from allauth.account.internal.flows.manage_email import email_already_exists
from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from club.core.codes import code_from_scan
from club.members import services
from club.members.models import Consent, Member
from museums.models import Museum

PASSWORD_HELP = _("Au moins 10 caractères. Une phrase facile à retenir fait très bien l'affaire.")


def _rules_label():
    return format_html(
        _('J\'accepte le <a href="{}">règlement du club</a>.'),
        reverse_lazy("legal:rules"),
    )


class ClubSignupForm(SignupForm):
    """allauth's sign-up (email + password) with the club's own questions.

    An email that is already registered (in any case) is refused with a message
    next to the field, as visitors expect; allauth's enumeration protection
    stays on for login and password reset.
    """

    display_name = forms.CharField(
        label=_("Prénom ou pseudonyme"),
        max_length=80,
        required=False,
        help_text=_("Affiché sur votre carte et dans la communauté."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    age_confirmed = forms.BooleanField(
        label=_("J'ai 15 ans ou plus."),
        help_text=_("Plus jeune, on rejoint le club avec un parent, comme le prévoit le règlement."),
        error_messages={"required": _("Confirmez que vous avez 15 ans ou plus pour vous inscrire seul.")},
    )
    accept_rules = forms.BooleanField(
        label=lazy(_rules_label, str)(),
        error_messages={"required": _("Acceptez le règlement du club pour vous inscrire.")},
    )
    consent_news = forms.BooleanField(label=Consent.NEWS.label, required=False)
    consent_surveys = forms.BooleanField(label=Consent.SURVEYS.label, required=False)

    field_order = [
        "email",
        "password1",
        "password2",
        "display_name",
        "age_confirmed",
        "accept_rules",
        "consent_news",
        "consent_surveys",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Adresse e-mail")
        self.fields["email"].help_text = _("Elle vous servira d'identifiant ; un lien de confirmation y sera envoyé.")
        self.fields["password1"].help_text = _(
            "Au moins 10 caractères. Une phrase facile à retenir fait très bien l'affaire."
        )
        self.order_fields(self.field_order)

    def validate_unique_email(self, value) -> str:
        email, _exists = email_already_exists(value, always_raise=True)
        return email

    def custom_signup(self, request, user):
        services.member_signup_complete(
            member=user,
            display_name=self.cleaned_data.get("display_name", ""),
            language=get_language() or settings.LANGUAGE_CODE,
            rules_version=settings.CLUB_RULES_VERSION,
            consents={
                Consent.NEWS: self.cleaned_data.get("consent_news", False),
                Consent.SURVEYS: self.cleaned_data.get("consent_surveys", False),
            },
        )


class ClubLoginForm(LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Adresse e-mail")
        self.fields["remember"].label = _("Rester connecté sur cet appareil")
        self.fields["password"].help_text = ""  # the page shows the "forgotten?" link once


class ClubChangePasswordForm(ChangePasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = PASSWORD_HELP


class ClubResetPasswordKeyForm(ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = PASSWORD_HELP


class ClubResetPasswordForm(ResetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Adresse e-mail")


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Prénom ou pseudonyme"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    preferred_language = forms.ChoiceField(label=_("Langue préférée"), choices=Member.Language.choices)
    favourite_museum = forms.ModelChoiceField(
        label=_("Musée préféré"),
        queryset=Museum.objects.filter(is_active=True),
        required=False,
        empty_label=_("— aucun —"),
    )
    consent_news = forms.BooleanField(
        label=Consent.NEWS.label,
        required=False,
        help_text=_(
            "E-mails sur les contenus, les événements et les cadeaux. Vous pouvez changer d'avis à tout moment."
        ),
    )
    consent_surveys = forms.BooleanField(
        label=Consent.SURVEYS.label,
        required=False,
        help_text=_("E-mails vous invitant à donner votre avis."),
    )

    def save(self, member: Member) -> Member:
        data = self.cleaned_data
        return services.profile_update(
            member=member,
            display_name=data["display_name"],
            preferred_language=data["preferred_language"],
            favourite_museum=data["favourite_museum"],
            consents={Consent.NEWS: data["consent_news"], Consent.SURVEYS: data["consent_surveys"]},
        )


class MemberLookupForm(forms.Form):
    number = forms.CharField(
        label=_("Numéro d'adhérent, e-mail ou nom"),
        max_length=200,
        help_text=_("Scannez la carte ou tapez le numéro (tirets et minuscules acceptés), l'e-mail ou le nom."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_number(self):
        return code_from_scan(self.cleaned_data["number"], param="number")
