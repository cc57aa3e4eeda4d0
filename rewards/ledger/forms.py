from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def _threshold_help() -> str:
    return gettext(
        "Au-delà de %(threshold)s points donnés par une même personne à ce membre sur %(days)s jours, "
        "un second administrateur doit valider."
    ) % {"threshold": settings.POINTS_ADJUSTMENT_APPROVAL_THRESHOLD, "days": settings.POINTS_ADJUSTMENT_WINDOW_DAYS}


_lazy_threshold_help = lazy(_threshold_help, str)


class AdjustmentForm(forms.Form):
    amount = forms.IntegerField(
        min_value=-100_000,
        max_value=100_000,
        label=_("Points (+ pour créditer, − pour débiter)"),
        help_text=_lazy_threshold_help(),
    )
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 3}), max_length=500)

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount == 0:
            raise forms.ValidationError(_("Indiquez un nombre de points différent de zéro."))
        return amount
