"""Member pages: home, "Mon club", profile, language, staff member lookup, health."""

from allauth.account.models import EmailAddress
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from club import health, services
from club.api import api_not_found
from club.decorators import member_required, staff_required
from club.errors import DomainError
from club.forms import MemberLookupForm, ProfileForm
from club.qr import qr_svg
from club.selectors import consent_history, member_by_number, member_is_verified
from museums.selectors import museums_visible
from rewards.models import Redemption
from rewards.selectors import balance_of, expiring_soon, next_goals, redemptions_of


def home(request):
    return render(request, "club/home.html", {"museums": museums_visible()})


@member_required
def dashboard(request):
    """ "Mon club": the card, the points, the next gifts and what expires soon."""
    member = request.user
    balance = balance_of(member)
    return render(
        request,
        "club/dashboard.html",
        {
            "member": member,
            "qr_svg": qr_svg(member.membership_number),
            "balance": balance,
            "goals": next_goals(member, balance=balance),
            "expiring": expiring_soon(member),
            "open_vouchers": redemptions_of(member).filter(status=Redemption.Status.ISSUED).count(),
        },
    )


@member_required
def card(request):
    member = request.user
    return render(request, "club/card.html", {"member": member, "qr_svg": qr_svg(member.membership_number)})


@member_required
def profile(request):
    member = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            form.save(member)
            translation.activate(member.preferred_language)
            messages.success(request, _("Votre profil est enregistré."))
            return redirect("club:profile")
    else:
        form = ProfileForm(
            initial={
                "display_name": member.display_name,
                "preferred_language": member.preferred_language,
                "favourite_museum": member.favourite_museum_id,
                "consent_news": member.consent_news,
                "consent_surveys": member.consent_surveys,
            }
        )
    return render(request, "club/profile.html", {"form": form, "history": consent_history(member=member)[:20]})


@require_POST
def language_set(request):
    """The visible language switch: cookie for everyone, profile for members."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated:
        services.member_language_set(member=request.user, language=language)
    return response


def verify_needed(request):
    """Explains to a logged-in, unverified member what to do, with a resend button."""
    if not request.user.is_authenticated:
        return redirect("account_login")
    if member_is_verified(request.user):
        return redirect("club:dashboard")
    if request.method == "POST":
        address = EmailAddress.objects.filter(user=request.user).first()
        if address is None:
            EmailAddress.objects.add_email(request, request.user, request.user.email, confirm=True)
        else:
            address.send_confirmation(request)
        messages.info(request, _("Un nouveau lien de confirmation vient de vous être envoyé."))
        return redirect("club:verify_needed")
    address = EmailAddress.objects.filter(user=request.user).first()
    return render(request, "club/verify_needed.html", {"email": address.email if address else request.user.email})


@staff_required
def staff_member_lookup(request):
    form = MemberLookupForm(request.GET or None)
    found = None
    if form.is_bound and form.is_valid():
        try:
            found = member_by_number(text=form.cleaned_data["number"])
        except DomainError as error:
            form.add_error("number", str(error.message))
    return render(request, "club/staff_lookup.html", {"form": form, "found": found})


@never_cache
def healthz(request):
    report = health.health_report()
    return JsonResponse(report, status=200 if report["database"] == "ok" else 503)


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return api_not_found(request, exception)
    return render(request, "404.html", status=404)


def server_error(request):
    if request.path.startswith("/api/"):
        body = {"code": "server_error", "message": _("Erreur interne : l'équipe est prévenue."), "details": {}}
        return JsonResponse(body, status=500)
    return render(request, "500.html", status=500)
