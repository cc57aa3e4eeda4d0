"""Forms of the staff pages of events (Espace équipe): what staff type, checked before any service runs.

The services check the rules again (a session cancelled meanwhile, a seat
taken meanwhile); these forms catch what can be caught from the request alone
(a mistyped ticket code, an empty reason, a date in the past).
"""

from collections.abc import Sequence

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from club.core.codes import code_from_scan
from museums.models import Museum

TICKET_PARAM = "code"


class StaffMuseumFilterForm(forms.Form):
    """The museum whose sessions (or ratings) a page shows; empty: every museum, the staff's own first."""

    museum = forms.TypedChoiceField(label=gettext_lazy("Musée"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, museums: Sequence[Museum], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["museum"].choices = [("", _("Tous")), *((str(m.pk), str(m.name)) for m in museums)]

    def museum_id(self) -> int | None:
        if not self.is_bound or not self.is_valid():
            return None
        return self.cleaned_data.get("museum")


class StaffRatingsFilterForm(StaffMuseumFilterForm):
    """The ratings page: a museum and, within it, one activity."""

    activity = forms.TypedChoiceField(label=gettext_lazy("Activité"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, museums: Sequence[Museum], activities: Sequence[tuple[int, str]], **kwargs):
        super().__init__(*args, museums=museums, **kwargs)
        self.fields["activity"].choices = [("", _("Toutes")), *((str(pk), title) for pk, title in activities)]

    def activity_id(self) -> int | None:
        if not self.is_bound or not self.is_valid():
            return None
        return self.cleaned_data.get("activity")


class StaffTicketForm(forms.Form):
    """The door: a ticket code typed, read by a USB scanner, or the address its QR code holds."""

    code = forms.CharField(
        label=gettext_lazy("Code du billet"),
        max_length=200,
        help_text=gettext_lazy("Scannez le QR code du billet ou tapez son code ; tirets et minuscules sont acceptés."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "autofocus": True}
        ),
    )

    def clean_code(self):
        return code_from_scan(self.cleaned_data["code"], param=TICKET_PARAM)


class StaffMessageForm(forms.Form):
    """A message to everyone booked on a session (sent as a notification)."""

    title = forms.CharField(label=gettext_lazy("Objet"), max_length=160)
    body = forms.CharField(
        label=gettext_lazy("Message"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Chaque personne inscrite le reçoit dans ses notifications (et par e-mail)."),
    )


class StaffCancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Raison de l'annulation"),
        max_length=300,
        help_text=gettext_lazy("Elle est écrite aux personnes inscrites, avec le remboursement de leurs points."),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Indiquez la raison de l'annulation."), code="required")
        return reason


class StaffMoveForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Nouvelle date et heure"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        help_text=gettext_lazy("Heure de Paris. Chaque personne inscrite choisit de garder sa place ou d'annuler."),
    )

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        if starts_at <= timezone.now():
            raise forms.ValidationError(_("Choisissez une date à venir."), code="past")
        if self.current is not None and starts_at == self.current:
            raise forms.ValidationError(_("C'est déjà la date de la séance."), code="same")
        return starts_at


class StaffReorderForm(forms.Form):
    """The waiting list in a new order: a number typed next to each entry (1 = offered the next seat)."""

    def __init__(self, *args, entries: Sequence, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = list(entries)
        for position, entry in enumerate(self.entries, start=1):
            self.fields[f"order-{entry.pk}"] = forms.IntegerField(
                label=_("Rang de %(member)s") % {"member": entry.member.get_full_name()},
                min_value=1,
                max_value=max(len(self.entries), 1),
                initial=position,
            )

    def ordered_ids(self) -> list[int]:
        """The entries' ids in the typed order (ties keep the current order)."""
        data = self.cleaned_data
        current = {entry.pk: index for index, entry in enumerate(self.entries)}
        return sorted(current, key=lambda pk: (data[f"order-{pk}"], current[pk]))
