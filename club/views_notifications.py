"""Member pages of notifications: inbox, preferences, and the signed unsubscribe link."""

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from club import notifications, services
from club.decorators import member_required
from club.models import KIND_CONSENT, ConsentRecord, Member, Notification, NotificationKind, NotificationPreference


@member_required
def inbox(request):
    page = Paginator(Notification.objects.filter(member=request.user).order_by("-id"), 30).get_page(
        request.GET.get("page")
    )
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
        chosen = dict(NotificationPreference.objects.filter(member=member).values_list("kind", "by_email"))
        for kind in NotificationKind:
            help_text = ""
            if kind in KIND_CONSENT:
                help_text = _("Nécessite le consentement « %(consent)s » de votre profil.") % {
                    "consent": KIND_CONSENT[kind].label
                }
            self.fields[kind.value] = forms.BooleanField(
                label=kind.label, required=False, initial=chosen.get(kind.value, True), help_text=help_text
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
        member_id, kind = notifications.unsubscribe_read(token)
        member = Member.objects.get(pk=member_id)
    except (signing.BadSignature, Member.DoesNotExist):
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    label = NotificationKind(kind).label
    if request.method == "POST":
        notifications.preference_set(member=member, kind=kind, by_email=False)
        if kind in KIND_CONSENT:
            services.consent_set(
                member=member, kind=KIND_CONSENT[kind], granted=False, source=ConsentRecord.Source.UNSUBSCRIBE
            )
        return render(request, "notifications/unsubscribe_done.html", {"label": label})
    return render(request, "notifications/unsubscribe.html", {"label": label, "email": member.email})


app_name = "notifications"
urlpatterns = [
    path("mon-club/notifications/", inbox, name="inbox"),
    path("mon-club/notifications/<int:pk>/", notification_open, name="open"),
    path("mon-club/notifications/tout-lu/", mark_all_read, name="mark_all_read"),
    path("mon-club/notifications/preferences/", preferences, name="preferences"),
    path("desinscription/<str:token>/", unsubscribe, name="unsubscribe"),
]
