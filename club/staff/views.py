"""Composition: "Espace équipe", the staff's home, and the desk's member look-up.

The look-up gathers several apps: the member (members), their points and
recent activity (ledger) and their open vouchers, handed over from here (shop).
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from club.core.errors import DomainError, InvalidCode
from club.core.qr import qr_svg
from club.members.decorators import staff_required
from club.members.forms import MemberLookupForm
from club.members.selectors import members_search
from club.moderation.models import Report
from museums.selectors import museums_visible
from rewards.ledger.models import Reason
from rewards.ledger.selectors import AwardOutcome, balance_of, history_of, history_page_describe
from rewards.shop.forms import VoucherLookupForm
from rewards.shop.models import Redemption
from rewards.shop.selectors import redemptions_of

RECENT = 5


def _sample_outcome(*, paid: int = 0, capped: bool = False) -> AwardOutcome:
    survey = Reason.SURVEY_ANSWERED
    return AwardOutcome(
        action=survey,
        label=survey.label,
        paid=paid,
        balance=130,
        capped=capped,
        repeat=False,
        cap_count=3,
        cap_period="day",
    )


def _sample_form(language: str) -> VoucherLookupForm:
    """A form field as it looks with the desk's error for a mistyped code (ids kept apart per language)."""
    form = VoucherLookupForm(data={"code": "ABCD-EFGH-JKM1"}, auto_id=f"sg-{language}-%s")
    form.is_valid()
    with translation.override(language):
        form.add_error("code", str(InvalidCode.message))
    return form


def styleguide(request):
    """The design system's components in both languages (staff, or anyone with DEBUG)."""
    if not settings.DEBUG and not (request.user.is_authenticated and request.user.is_staff):
        raise PermissionDenied
    context = {
        "languages": [(code, _sample_form(code)) for code, _name in settings.LANGUAGES],
        "qr": qr_svg("ABCD-EFGH-JKM0"),
        "tab_items": [
            (gettext_lazy("Mes points"), reverse("ledger:history"), True),
            (gettext_lazy("Mes bons"), reverse("shop:vouchers"), False),
        ],
        "sample_page": Paginator(list(range(60)), 20).get_page(2),
        "sample_picture": static("img/styleguide-picture.svg"),
        "sample_paid": _sample_outcome(paid=40),
        "sample_capped": _sample_outcome(capped=True),
        "sample_badges": [(gettext_lazy("À votre portée"), "ok"), (gettext_lazy("Nouveau"), "info")],
        "sample_kinds": [("activity", gettext_lazy("Activité à tester")), ("event", gettext_lazy("Événement"))],
        "sample_museums": museums_visible()[:3],
        "sample_filters": {"kind": "event", "museum": None},
        "sample_reasons": Report.Reason.choices,
    }
    return render(request, "staff/styleguide.html", context)


@staff_required
def hub(request):
    """Where staff land: the desk tasks they are allowed to do."""
    return render(request, "staff/hub.html")


def _member_panel(member) -> dict:
    open_vouchers = redemptions_of(member=member).filter(status=Redemption.Status.ISSUED)
    return {
        "member": member,
        "balance": balance_of(member=member),
        "open_vouchers": list(open_vouchers),
        "recent": history_page_describe(entries=history_of(member=member)[:RECENT]),
    }


@login_required
def member_lookup(request):
    """By number (typed or scanned), email or name; one member shows their points, vouchers and activity.

    A card's QR code holds this address: a member who scans one (theirs or
    another's) lands on their own card, never on anyone else's.
    """
    if not request.user.is_staff:
        return redirect("members:card")
    if not request.user.has_perm("members.view_member"):
        raise PermissionDenied
    form = MemberLookupForm(request.GET or None)
    found: list = []
    if form.is_bound and form.is_valid():
        try:
            found = members_search(text=form.cleaned_data["number"])
        except DomainError as error:
            form.add_error("number", str(error.message))
        else:
            if not found:
                form.add_error("number", _("Aucun membre ne correspond à cette recherche."))
    context = {"form": form, "found": found, "panel": _member_panel(found[0]) if len(found) == 1 else None}
    return render(request, "staff/member_lookup.html", context)
