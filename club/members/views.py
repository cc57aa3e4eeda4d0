"""Member pages: the card, the profile, the language switch, verification."""

from allauth.account.models import EmailAddress
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from club.members import services
from club.members.decorators import member_required
from club.members.forms import ProfileForm
from club.members.selectors import card_qr_svg, consent_history, member_is_verified


@member_required
def card(request):
    member = request.user
    return render(request, "members/card.html", {"member": member, "qr_svg": card_qr_svg(member=member)})


@member_required
def profile(request):
    member = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            form.save(member)
            translation.activate(member.preferred_language)
            messages.success(request, _("Votre profil est enregistré."))
            return redirect("members:profile")
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
    return render(request, "members/profile.html", {"form": form, "history": consent_history(member=member)[:20]})


@require_POST
def language_set(request):
    """The visible language switch: cookie for everyone, profile for members."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated:
        services.member_language_set(member=request.user, language=language)
    return response


@require_POST
def resend_verification(request):
    """From the "check your emails" page: the link again, for the address typed (no account revealed)."""
    email = request.POST.get("email", "")
    if 3 <= len(email) <= 254:
        services.member_verification_resend(request=request, email=email)
    messages.info(
        request,
        _("Si un compte attend sa confirmation à cette adresse, un nouveau lien vient d'y être envoyé."),
    )
    return redirect("account_email_verification_sent")


def verify_needed(request):
    """Explains to a logged-in, unverified member what to do, with a resend button."""
    if not request.user.is_authenticated:
        return redirect("account_login")
    if member_is_verified(member=request.user):
        return redirect("club:dashboard")
    if request.method == "POST":
        address = EmailAddress.objects.filter(user=request.user).first()
        if address is None:
            EmailAddress.objects.add_email(request, request.user, request.user.email, confirm=True)
        else:
            address.send_confirmation(request)
        messages.info(request, _("Un nouveau lien de confirmation vient de vous être envoyé."))
        return redirect("members:verify_needed")
    address = EmailAddress.objects.filter(user=request.user).first()
    return render(request, "members/verify_needed.html", {"email": address.email if address else request.user.email})
