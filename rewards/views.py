"""Pages of the points and the shop: history, catalogue, vouchers, and the desk."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from club.decorators import member_required, staff_required
from club.errors import DomainError
from club.qr import qr_svg
from rewards import services
from rewards.forms import VoucherLookupForm
from rewards.models import Redemption
from rewards.selectors import balance_of, catalogue_for, gifts_in_shop, history_of, redemptions_of

HISTORY_PAGE_SIZE = 50


@member_required
def points_history(request):
    page = Paginator(history_of(request.user), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "rewards/history.html", {"page": page, "balance": balance_of(request.user)})


def shop(request):
    member = request.user if request.user.is_authenticated else None
    balance = balance_of(member) if member else 0
    return render(request, "rewards/shop.html", {"offers": catalogue_for(member, balance=balance), "balance": balance})


def gift_detail(request, slug):
    gift = get_object_or_404(gifts_in_shop(), slug=slug)
    balance = balance_of(request.user) if request.user.is_authenticated else 0
    return render(
        request, "rewards/gift.html", {"gift": gift, "balance": balance, "missing": max(0, gift.points - balance)}
    )


@require_POST
@member_required
def gift_redeem(request, slug):
    gift = get_object_or_404(gifts_in_shop(), slug=slug)
    try:
        redemption = services.gift_redeem(member=request.user, gift=gift)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("rewards:gift", slug=slug)
    messages.success(request, _("C'est fait ! Présentez ce bon à l'accueil du musée pour recevoir votre cadeau."))
    return redirect("rewards:voucher", code=redemption.code)


@member_required
def vouchers(request):
    return render(request, "rewards/vouchers.html", {"redemptions": redemptions_of(request.user)})


def _own_voucher(request, code) -> Redemption:
    redemption = redemptions_of(request.user).filter(code=code).first()
    if redemption is None:
        raise Http404
    return redemption


@member_required
def voucher(request, code):
    redemption = _own_voucher(request, code)
    return render(request, "rewards/voucher.html", {"redemption": redemption, "qr_svg": qr_svg(redemption.code)})


@require_POST
@member_required
def voucher_cancel(request, code):
    redemption = _own_voucher(request, code)
    try:
        services.redemption_cancel(redemption=redemption, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Bon annulé : vos points vous ont été rendus."))
    return redirect("rewards:voucher", code=code)


@staff_required
@permission_required("rewards.change_redemption", raise_exception=True)
def desk(request):
    """The desk: scan or type a voucher code, see the member and the gift, hand it over."""
    form = VoucherLookupForm(request.GET or None)
    found = None
    if form.is_bound and form.is_valid():
        try:
            found = services.redemption_find(code=form.cleaned_data["code"])
        except DomainError as error:
            form.add_error("code", str(error.message))
    return render(request, "rewards/desk.html", {"form": form, "found": found})


@require_POST
@staff_required
@permission_required("rewards.change_redemption", raise_exception=True)
def desk_collect(request, code):
    try:
        redemption = services.redemption_collect(code=code, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        done = _("Cadeau « %(gift)s » remis à %(member)s.")
        messages.success(request, done % {"gift": redemption.gift, "member": redemption.member})
    return redirect(f"{reverse('rewards:desk')}?code={code}")


@require_POST
@staff_required
@permission_required("rewards.change_redemption", raise_exception=True)
def desk_cancel(request, code):
    try:
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
    return redirect(f"{reverse('rewards:desk')}?code={code}")
