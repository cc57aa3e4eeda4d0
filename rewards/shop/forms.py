from django import forms
from django.utils.translation import gettext_lazy as _

from club.core.codes import code_from_scan


class VoucherLookupForm(forms.Form):
    code = forms.CharField(
        label=_("Code du bon"),
        max_length=200,
        help_text=_("Scannez le QR code du bon ou tapez son code ; tirets et minuscules sont acceptés."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_code(self):
        return code_from_scan(self.cleaned_data["code"], param="code")
