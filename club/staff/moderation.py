"""Composition: the moderation queue, where staff read what members wrote and hide, restore or answer.

Every kind registered with `club.moderation.registry` is listed (comments on
content today, ratings and ideas later), in three tabs: reported (most reported
first), recent (the last seven days) and hidden. Hiding and restoring need a
reason (`club.moderation.services`); a comment on content may be answered as
"Équipe du musée" through the content feature's own service, which this
composition page may call. Everything needs the permission
"moderation.moderate" (the museum team and the club administration have it).

What a kind needs beyond the registry (the rows to join, where the item is
read in context, whether staff answer it here) is said in `KIND_DETAILS`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from club.core.errors import DomainError
from club.members.decorators import staff_required
from club.moderation.registry import moderated_kinds
from club.moderation.selectors import QueueItem, QueueTab, moderation_items_load, moderation_queue, queue_key
from club.moderation.services import REASON_LIMIT, moderation_hide, moderation_restore
from museums.content.models import Comment
from museums.content.services import comment_create

PERMISSION = "moderation.moderate"
PER_PAGE = 20
TABS = (
    (QueueTab.REPORTED, gettext_lazy("Signalés")),
    (QueueTab.RECENT, gettext_lazy("Récents")),
    (QueueTab.HIDDEN, gettext_lazy("Masqués")),
)
LEADS = {
    QueueTab.REPORTED: gettext_lazy("Les messages que des membres ont signalés, les plus signalés d'abord."),
    QueueTab.RECENT: gettext_lazy("Les messages publiés ces sept derniers jours, les plus récents d'abord."),
    QueueTab.HIDDEN: gettext_lazy("Les messages masqués : leur auteur les voit encore, personne d'autre."),
}
EMPTY = {
    QueueTab.REPORTED: gettext_lazy("Aucun message signalé"),
    QueueTab.RECENT: gettext_lazy("Aucun message ces sept derniers jours"),
    QueueTab.HIDDEN: gettext_lazy("Aucun message masqué"),
}


@dataclass(frozen=True)
class KindDetails:
    related: tuple[str, ...] = ()  # joined in the page's one query for the kind
    where: Callable[[Any], tuple[str, str]] | None = None  # (title, url) of what the item belongs to
    answer: Callable[..., Any] | None = None  # answer(member=, item=, body=) as the museum team


def _comment_where(comment: Comment) -> tuple[str, str]:
    return str(comment.content.title), f"{comment.content.get_absolute_url()}#comment-{comment.pk}"


def _comment_answer(*, member, item: Comment, body: str) -> Comment:
    return comment_create(member=member, content=item.content, body=body, reply_to=item, as_staff=True)


KIND_DETAILS: dict[str, KindDetails] = {
    Comment._meta.label_lower: KindDetails(related=("content",), where=_comment_where, answer=_comment_answer),
}


def _details(label: str) -> KindDetails:
    return KIND_DETAILS.get(label, KindDetails())


def moderation_view(view):
    """Staff with the moderation permission (visitors to the login, everyone else a 403)."""
    return staff_required(permission_required(PERMISSION, raise_exception=True)(view))


def _tab(value) -> QueueTab:
    return QueueTab(value) if value in QueueTab._value2member_map_ else QueueTab.REPORTED


def _where(entry: QueueItem) -> tuple[str, str] | None:
    details = _details(entry.kind_name)
    if details.where is not None:
        return details.where(entry.item)
    if hasattr(entry.item, "get_absolute_url"):
        return str(entry.item), entry.item.get_absolute_url()
    return None


def _queue(request: HttpRequest, *, tab: QueueTab, page_number, errors: dict | None = None, typed: dict | None = None,
           status: int = 200) -> HttpResponse:  # fmt: skip
    related = {label: _details(label).related for label in KIND_DETAILS}
    page = Paginator(moderation_queue(tab=tab), PER_PAGE).get_page(page_number)
    entries = moderation_items_load(page.object_list, related=related)
    errors = errors or {}
    typed = typed or {}
    base = reverse("staff:moderation")
    for entry in entries:
        entry.where = _where(entry)  # type: ignore[attr-defined]
        entry.can_answer = _details(entry.kind_name).answer is not None and not entry.item.is_hidden  # type: ignore[attr-defined]
        entry.error = errors.get(entry.key)  # type: ignore[attr-defined]  # (action, message)
        entry.typed = typed.get(entry.key, "")  # type: ignore[attr-defined]
    context = {
        "tab": tab,
        "tabs": [(label, f"{base}?{urlencode({'onglet': value})}", value == tab) for value, label in TABS],
        "lead": LEADS[tab],
        "empty_title": EMPTY[tab],
        "page": page,
        "entries": entries,
        "reason_limit": REASON_LIMIT,
        "kinds": moderated_kinds(),
    }
    return render(request, "staff/moderation.html", context, status=status)


@moderation_view
@require_safe
def moderation_queue_page(request: HttpRequest) -> HttpResponse:
    return _queue(request, tab=_tab(request.GET.get("onglet")), page_number=request.GET.get("page"))


def _item(kind: str, pk: int):
    found = {k.model._meta.label_lower: k for k in moderated_kinds()}.get(kind)
    if found is None:
        raise Http404
    item = found.model._default_manager.select_related(*_details(kind).related).filter(pk=pk).first()  # type: ignore[attr-defined]
    if item is None:
        raise Http404
    return item


def _back(request: HttpRequest, tab: QueueTab, key: str | None = None) -> HttpResponse:
    query = {"onglet": tab.value}
    if page := request.POST.get("page", "").strip():
        if page.isdigit():
            query["page"] = page
    anchor = f"#{key}" if key else ""
    return redirect(f"{reverse('staff:moderation')}?{urlencode(query)}{anchor}")


def _refused(request: HttpRequest, tab: QueueTab, key: str, *, action: str, error: DomainError, typed: str):
    """The same page again, the service's message next to the form that failed, what was typed kept."""
    return _queue(request, tab=tab, page_number=request.POST.get("page"), errors={key: (action, str(error.message))},
                  typed={key: typed}, status=error.status)  # fmt: skip


def _decide(request: HttpRequest, kind: str, pk: int, *, action: str) -> HttpResponse:
    item = _item(kind, pk)
    tab = _tab(request.POST.get("onglet"))
    key = queue_key(kind, pk)
    reason = request.POST.get("reason", "")
    try:
        if action == "hide":
            moderation_hide(item=item, by=request.user, reason=reason)
        else:
            moderation_restore(item=item, by=request.user, reason=reason)
    except DomainError as error:
        return _refused(request, tab, key, action=action, error=error, typed=reason)
    if action == "hide":
        messages.success(request, _("Message masqué : son auteur le voit encore, avec votre raison."))
    else:
        messages.success(request, _("Message rétabli : tout le monde le voit de nouveau."))
    return _back(request, tab)


@moderation_view
@require_POST
def moderation_hide_item(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    return _decide(request, kind, pk, action="hide")


@moderation_view
@require_POST
def moderation_restore_item(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    return _decide(request, kind, pk, action="restore")


@moderation_view
@require_POST
def moderation_answer(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    answer = _details(kind).answer
    if answer is None:
        raise Http404
    item = _item(kind, pk)
    tab = _tab(request.POST.get("onglet"))
    key = queue_key(kind, pk)
    body = request.POST.get("body", "")
    try:
        answer(member=request.user, item=item, body=body)
    except DomainError as error:
        return _refused(request, tab, key, action="answer", error=error, typed=body)
    messages.success(request, _("Réponse publiée sous la marque « Équipe du musée »."))
    return _back(request, tab, key)
