from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from club.core.staff import ALL_PERMISSIONS


class LedgerConfig(AppConfig):
    """The points ledger (a leaf): entries, balances, lots, earning rules, adjustments."""

    name = "rewards.ledger"
    label = "ledger"
    verbose_name = _("Points")
    museum_team_permissions = ALL_PERMISSIONS
    # Moving points by hand, and deciding on it, is the club administration's.
    museum_team_admin_only = ("add_adjustment", "change_adjustment", "delete_adjustment")

    def ready(self):
        from club.core.flush_triggers import flush_triggers_register
        from club.members.hooks import MemberEvent, member_hook_register
        from rewards.ledger.triggers import triggers_install, triggers_uninstall

        # The append-only triggers refuse SQLite's flush (a DELETE per table): lifted for its length.
        flush_triggers_register("ledger", uninstall=triggers_uninstall, install=triggers_install)
        from rewards.ledger.registries import earning_way_register
        from rewards.ledger.welcome import profile_points, welcome_points

        member_hook_register(event=MemberEvent.EMAIL_VERIFIED, hook=welcome_points)
        member_hook_register(event=MemberEvent.PROFILE_COMPLETED, hook=profile_points)
        earning_way_register(
            "signup", url_name="account_signup", how=_("Adhérez au club et confirmez votre adresse e-mail.")
        )
        earning_way_register(
            "profile_completed",
            url_name="members:profile",
            how=_("Indiquez votre prénom ou pseudonyme et votre musée préféré dans votre profil."),
        )
