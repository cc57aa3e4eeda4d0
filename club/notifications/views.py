"""Member pages of notifications: inbox, preferences, and the signed unsubscribe link."""

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from club.members.decorators import member_required
from club.members.models import Member
from club.notifications import services as notifications
from club.notifications.delivery import unsubscribe_read
from club.notifications.models import KIND_CONSENT, Notification, NotificationKind
from club.notifications.selectors import consent_allows_email, email_preferences_of, inbox_of


@member_required
def inbox(request):
    page = Paginator(inbox_of(member=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@member_required
def notification_open(request, pk):
    """Open an item: it is marked read and the member goes where it points."""
    notification = get_object_or_404(Notification, pk=pk, member=request.user)
    notifications.notifications_mark_read(member=request.user, notification_id=notification.pk)
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
    return redirect("notifications:inbox")


@require_POST
@member_required
def mark_all_read(request):
    notifications.notifications_mark_read(member=request.user)
    messages.success(request, _("Toutes vos notifications sont marquées comme lues."))
    return redirect("notifications:inbox")


class PreferencesForm(forms.Form):
    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = email_preferences_of(member=member)
        for kind in NotificationKind:
            help_text = ""
            if kind in KIND_CONSENT and not consent_allows_email(member=member, kind=kind):
                # Said only while the consent is missing: a member who gave it has nothing to do.
                help_text = _("Nécessite le consentement « %(consent)s » de votre profil.") % {
                    "consent": KIND_CONSENT[kind].label
                }
            self.fields[kind.value] = forms.BooleanField(
                label=kind.label, required=False, initial=chosen[kind.value], help_text=help_text
            )


@member_required
def preferences(request):
    form = PreferencesForm(request.POST or None, member=request.user)
    if request.method == "POST" and form.is_valid():
        for kind, by_email in form.cleaned_data.items():
            notifications.preference_set(member=request.user, kind=kind, by_email=by_email)
        messages.success(request, _("Vos préférences sont enregistrées."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@csrf_exempt  # the signed token is the authority; mail clients POST without a CSRF cookie (RFC 8058)
def unsubscribe(request, token):
    """One click from an email, no login: GET confirms, POST (or the mail client) turns it off."""
    try:
        member_id, kind = unsubscribe_read(token)
        member = Member.objects.get(pk=member_id)
    except (signing.BadSignature, Member.DoesNotExist):
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    label = NotificationKind(kind).label
    if request.method == "POST":
        notifications.email_unsubscribe(member=member, kind=kind)
        return render(request, "notifications/unsubscribe_done.html", {"label": label})
    return render(request, "notifications/unsubscribe.html", {"label": label, "email": member.email})
