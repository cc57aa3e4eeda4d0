"""Pages of the shop: catalogue, gift, redeem, vouchers, and the desk.

A page that moves points or stock is the outermost boundary of its request: it
opens the one durable transaction the services join.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from club.core.codes import code_from_scan, code_is_valid, code_normalize
from club.core.errors import DomainError
from club.core.qr import qr_svg_cached
from club.members.decorators import member_required, staff_required
from rewards.ledger.selectors import balance_of
from rewards.shop import services
from rewards.shop.forms import VoucherLookupForm
from rewards.shop.fulfilments import voucher_lines
from rewards.shop.models import Redemption
from rewards.shop.selectors import catalogue_for, gift_offer, gifts_in_shop, redemptions_of, voucher_qr_text


def _offer_badges(offer, *, signed_in: bool) -> list[tuple[str, str]]:
    """The badges of a gift in the catalogue: sold out or few left, then within the member's reach."""
    badges = []
    if not offer.available:
        badges.append((_("Épuisé"), "muted"))
    elif offer.units_left <= 5:
        badges.append(
            (
                ngettext("Plus que %(count)s !", "Plus que %(count)s !", offer.units_left)
                % {"count": offer.units_left},
                "warn",
            )
        )
    if signed_in and offer.available and offer.affordable:
        badges.append((_("À votre portée"), "ok"))
    return badges


def shop(request):
    balance = balance_of(member=request.user)
    signed_in = request.user.is_authenticated
    items = [
        {
            "offer": offer,
            "badges": _offer_badges(offer, signed_in=signed_in),
            "points": ngettext("%(count)s point", "%(count)s points", offer.gift.points) % {"count": offer.gift.points},
            "note": ngettext("Encore %(count)s point à gagner", "Encore %(count)s points à gagner", offer.missing)
            % {"count": offer.missing}
            if signed_in and offer.missing
            else "",
        }
        for offer in catalogue_for(balance=balance)
    ]
    return render(request, "shop/shop.html", {"items": items, "balance": balance})


def gift_detail(request, slug):
    gift = get_object_or_404(gifts_in_shop(), slug=slug)
    balance = balance_of(member=request.user)
    return render(
        request, "shop/gift.html", {"gift": gift, "offer": gift_offer(gift=gift, balance=balance), "balance": balance}
    )


def _confirm(request, **context):
    return render(request, "shop/confirm.html", context)


@require_http_methods(["GET", "POST"])
@member_required
def gift_redeem(request, slug):
    """GET asks "spend N points?", with the balance before and after; POST spends them."""
    gift = get_object_or_404(gifts_in_shop(), slug=slug)
    if request.method == "GET":
        offer = gift_offer(gift=gift, balance=balance_of(member=request.user))
        if not offer.affordable or not offer.available:
            return redirect("shop:gift", slug=slug)
        points = ngettext("%(points)s point", "%(points)s points", gift.points) % {"points": gift.points}
        return _confirm(
            request,
            gift=gift,
            title=_("Échanger %(points)s contre « %(gift)s » ?") % {"points": points, "gift": gift.name},
            text=_(
                "Votre solde passera de %(before)s à %(after)s points. Le bon est à retirer dans les %(days)s jours."
            )
            % {"before": offer.balance, "after": offer.balance - gift.points, "days": gift.validity_days},
            action=reverse("shop:redeem", args=[slug]),
            confirm_label=_("Oui, échanger"),
            back_url=reverse("shop:gift", args=[slug]),
        )
    try:
        with transaction.atomic(durable=True):
            redemption = services.gift_redeem(member=request.user, gift=gift)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("shop:gift", slug=slug)
    if voucher_lines(redemption):  # a seat: the voucher is the ticket
        messages.success(request, _("C'est fait ! Votre place est réservée : ce bon est votre billet d'entrée."))
    else:
        messages.success(request, _("C'est fait ! Présentez ce bon à l'accueil du musée pour recevoir votre cadeau."))
    return redirect("shop:voucher", code=redemption.code)


@member_required
def vouchers(request):
    return render(request, "shop/vouchers.html", {"redemptions": redemptions_of(member=request.user)})


def _own_voucher(request, code) -> Redemption:
    redemption = redemptions_of(member=request.user).filter(code=code).first()
    if redemption is None:
        raise Http404
    return redemption


@member_required
def voucher(request, code):
    redemption = _own_voucher(request, code)
    qr = qr_svg_cached(voucher_qr_text(redemption=redemption))
    context = {"redemption": redemption, "qr_svg": qr, "lines": voucher_lines(redemption)}
    return render(request, "shop/voucher.html", context)


@require_http_methods(["GET", "POST"])
@member_required
def voucher_cancel(request, code):
    """GET asks "give this voucher back?"; POST cancels it and gives the points back."""
    redemption = _own_voucher(request, code)
    if request.method == "GET":
        if redemption.status != Redemption.Status.ISSUED:
            return redirect("shop:voucher", code=code)
        return _confirm(
            request,
            gift=redemption.gift,
            title=_("Annuler le bon « %(gift)s » ?") % {"gift": redemption.gift.name},
            text=_("Vos %(points)s points vous seront rendus et le cadeau retournera en boutique.")
            % {"points": redemption.points},
            action=reverse("shop:voucher_cancel", args=[code]),
            confirm_label=_("Oui, annuler le bon"),
            back_url=reverse("shop:voucher", args=[code]),
            back_label=_("Non, garder le bon"),
            danger=True,
        )
    try:
        with transaction.atomic(durable=True):
            services.redemption_cancel(redemption=redemption, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Bon annulé : vos points vous ont été rendus."))
    return redirect("shop:voucher", code=code)


def _own_voucher_from_scan(request):
    """A member who opens a voucher's QR address: their own voucher, or their list — never another's."""
    code = code_from_scan(request.GET.get("code", ""), param="code")
    own = redemptions_of(member=request.user).filter(code=code_normalize(code)).first() if code_is_valid(code) else None
    return redirect("shop:voucher", code=own.code) if own else redirect("shop:vouchers")


@login_required
def desk(request):
    """The desk: scan or type a voucher code, see the member and the gift, hand it over.

    A voucher's QR code holds this address with its code, so any phone's camera opens it.
    """
    if not request.user.is_staff:
        return _own_voucher_from_scan(request)
    if not request.user.has_perm("shop.change_redemption"):
        raise PermissionDenied
    form = VoucherLookupForm(request.GET or None)
    found = None
    if form.is_bound and form.is_valid():
        try:
            found = services.redemption_find(code=form.cleaned_data["code"])
        except DomainError as error:
            form.add_error("code", str(error.message))
    return render(request, "shop/desk.html", {"form": form, "found": found})


@require_POST
@staff_required
@permission_required("shop.change_redemption", raise_exception=True)
def desk_collect(request, code):
    try:
        with transaction.atomic(durable=True):
            redemption = services.redemption_collect(code=code, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        done = _("Cadeau « %(gift)s » remis à %(member)s.")
        messages.success(request, done % {"gift": redemption.gift, "member": redemption.member})
    return redirect(f"{reverse('shop:desk')}?code={code}")


@require_http_methods(["GET", "POST"])
@staff_required
@permission_required("shop.change_redemption", raise_exception=True)
def desk_cancel(request, code):
    """GET asks the desk to confirm; POST cancels the voucher and gives the member their points."""
    if request.method == "GET":
        try:
            found = services.redemption_find(code=code)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("shop:desk")
        return _confirm(
            request,
            gift=found.gift,
            title=_("Annuler le bon « %(gift)s » de %(member)s ?") % {"gift": found.gift, "member": found.member},
            text=_("Ses %(points)s points lui seront rendus ; le cadeau ne doit pas être remis.")
            % {"points": found.points},
            action=reverse("shop:desk_cancel", args=[code]),
            confirm_label=_("Oui, annuler le bon"),
            back_url=f"{reverse('shop:desk')}?code={code}",
            danger=True,
        )
    try:
        with transaction.atomic(durable=True):
            redemption = services.redemption_cancel(redemption=services.redemption_find(code=code), by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        done = ngettext(
            "Bon annulé : %(points)s point rendu au membre.",
            "Bon annulé : %(points)s points rendus au membre.",
            redemption.points,
        )
        messages.success(request, done % {"points": redemption.points})
    return redirect(f"{reverse('shop:desk')}?code={code}")
