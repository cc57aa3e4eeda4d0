from django import forms
from django.utils.translation import gettext_lazy as _


class AdjustmentForm(forms.Form):
    amount = forms.IntegerField(
        min_value=-100_000,
        max_value=100_000,
        label=_("Points (+ pour créditer, − pour débiter)"),
        help_text=_("Au-delà du seuil du club, un second administrateur doit valider."),
    )
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 3}), max_length=500)

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount == 0:
            raise forms.ValidationError(_("Indiquez un nombre de points différent de zéro."))
        return amount
