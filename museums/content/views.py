"""Member pages of content: the list with its filters, an item (read, watch, like, comment, report), a series.

Visitors see every item out, members-only ones as a teaser with an invitation
to join. Opening an item records the member's view of the day and pays the
viewing points once per item (an uploaded video pays when watched to the end:
`static/js/player.js` sends its milestones to the API).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from club.core.errors import DomainError
from club.members.decorators import member_required, staff_required
from club.moderation.models import Report
from club.moderation.services import report_create
from museums.content import selectors, services
from museums.content.embeds import PROVIDERS, embed_player
from museums.content.models import Comment, Content, Series
from museums.models import Museum
from rewards.ledger.models import Reason
from rewards.ledger.selectors import award_outcome

PAGE_SIZE = 24


def _int(value) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def _filters(request: HttpRequest) -> dict:
    kind = request.GET.get("type", "")
    return {
        "museum": _int(request.GET.get("musee")),
        "kind": kind if kind in Content.Kind.values else "",
        "series": _int(request.GET.get("serie")),
    }


@require_safe
def content_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    now = timezone.now()
    items = selectors.content_list(reader=request.user, now=now, **filters)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "kinds": Content.Kind.choices,
        "museums": Museum.objects.filter(is_active=True).only("pk", "name"),
        "series_list": list(selectors.series_list(reader=request.user, now=now)),
        "member": selectors.content_is_member(request.user),
        "filtered": any(filters.values()),
    }
    return render(request, "content/list.html", context)


def _item_context(request: HttpRequest, content: Content, *, preview: bool = False) -> dict:
    member = selectors.content_is_member(request.user)
    readable = preview or selectors.content_readable(reader=request.user, content=content)
    context: dict = {"content": content, "readable": readable, "member": member, "preview": preview}
    if not readable:
        return context
    context["images"] = list(content.images.all())
    context["tags"] = list(content.tags.all())
    # Hidden comments stay readable by their author only (marked as hidden).
    shown = (
        Q(hidden_at__isnull=True) | Q(member_id=request.user.pk)
        if request.user.is_authenticated
        else Q(hidden_at__isnull=True)
    )
    context["comments"] = list(
        Comment.objects.filter(shown, content=content).select_related("member").order_by("created_at", "pk")
    )
    context["report_reasons"] = Report.Reason.choices
    if content.embed_provider:
        provider = PROVIDERS[content.embed_provider]
        context["embed"] = {"name": provider.name, "src": embed_player(content.embed_provider, content.embed_id)}
    context["points"] = selectors.content_points(content=content)
    if member and not preview:
        context["progress"] = selectors.content_progress(member=request.user, content=content) if content.video else 0
    return context


@require_safe
def content_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        content = selectors.content_for(reader=request.user, slug=slug)
    except Content.DoesNotExist:
        raise Http404 from None
    context = _item_context(request, content)
    if context["readable"] and context["member"] and request.user.email_verified_at is not None:
        entry = services.content_view(member=request.user, content=content)
        if entry is not None:
            context["outcome"] = award_outcome(member=request.user, action=Reason.CONTENT_VIEWED, entry=entry)
        context["paid"] = selectors.content_paid(member=request.user, content=content)
    return _item_response(request, content, context)


@staff_required
@require_safe
def content_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """An item as a member would see it, whether out or not (nothing recorded, nothing paid)."""
    content = get_object_or_404(Content.objects.select_related("museum", "series"), pk=pk)
    return _item_response(request, content, _item_context(request, content, preview=True))


def _item_response(request: HttpRequest, content: Content, context: dict) -> HttpResponse:
    """The item's page; with an embed, its provider's frame allowed on this page only (used once play is pressed)."""
    response = render(request, "content/detail.html", context)
    if content.embed_provider:
        response._csp_update = {"frame-src": [PROVIDERS[content.embed_provider].frame_source]}  # type: ignore[attr-defined]
    return response


def _member_item(request: HttpRequest, slug: str) -> Content:
    try:
        content = selectors.content_for(reader=request.user, slug=slug)
    except Content.DoesNotExist:
        raise Http404 from None
    if not selectors.content_readable(reader=request.user, content=content):
        raise Http404
    return content


@member_required
@require_POST
def content_like(request: HttpRequest, slug: str) -> HttpResponse:
    content = _member_item(request, slug)
    services.reaction_set(member=request.user, content=content, liked=request.POST.get("liked") == "1")
    return redirect(f"{content.get_absolute_url()}#reactions")


@member_required
@require_POST
def comment_add(request: HttpRequest, slug: str) -> HttpResponse:
    content = _member_item(request, slug)
    reply_to = None
    if reply_id := _int(request.POST.get("reply_to")):
        reply_to = Comment.objects.filter(pk=reply_id, content=content).first()
    try:
        services.comment_create(
            member=request.user, content=content, body=request.POST.get("body", ""), reply_to=reply_to,
            as_staff=request.POST.get("as_staff") == "1",
        )  # fmt: skip
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect(f"{content.get_absolute_url()}#comment-form")
    messages.success(request, _("Votre commentaire est publié."))
    return redirect(f"{content.get_absolute_url()}#comments")


@member_required
@require_POST
def comment_report(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("content"), pk=pk)
    content = _member_item(request, comment.content.slug)
    try:
        report_create(member=request.user, item=comment, reason=request.POST.get("reason", ""),
                      note=request.POST.get("note", ""))  # fmt: skip
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Merci : l'équipe va relire ce commentaire."))
    return redirect(f"{content.get_absolute_url()}#comment-{comment.pk}")


@require_safe
def series_detail(request: HttpRequest, slug: str) -> HttpResponse:
    now = timezone.now()
    series = get_object_or_404(selectors.series_list(reader=request.user, now=now), slug=slug)
    items = selectors.content_list(reader=request.user, now=now, series=series.pk).order_by(
        "series_position", "publish_at"
    )
    context = {
        "series": series,
        "items": items,
        "next_release": selectors.series_next_release(series=series, now=now),
        "member": selectors.content_is_member(request.user),
    }
    return render(request, "content/series.html", context)


@member_required
@require_POST
def series_follow(request: HttpRequest, slug: str) -> HttpResponse:
    series = get_object_or_404(Series, slug=slug, is_active=True)
    following = services.follow_set(member=request.user, series=series, following=request.POST.get("follow") == "1")
    messages.success(
        request,
        _("Vous suivez cette série : chaque épisode arrivera dans vos notifications.")
        if following
        else _("Vous ne suivez plus cette série."),
    )
    return redirect(series.get_absolute_url())
