"""The welcome message: the first notification of every member, with the first steps.

A member hook (`club.members.hooks`): sent once the email is verified, in the
same transaction as the welcome points, once per member (the hook runs again
for a later address change; the inbox is checked first).
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from club.members.models import Member
from club.notifications.models import Notification, NotificationKind
from club.notifications.services import notification_send

WELCOME_TITLE = _("Bienvenue au Club des visiteurs !")


def welcome_body():
    return _(
        "Vos premiers pas : complétez votre profil (des points à la clé), découvrez comment gagner "
        "des points, puis choisissez un cadeau dans la boutique. Votre carte d'adhérent est dans Mon club."
    )


def welcome_notification(member: Member) -> None:
    if Notification.objects.filter(member=member, kind=NotificationKind.ACCOUNT).exists():
        return
    notification_send(
        member=member,
        kind=NotificationKind.ACCOUNT,
        title=WELCOME_TITLE,
        body=welcome_body(),
        url=reverse("ledger:earn"),
    )
