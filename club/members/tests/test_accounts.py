"""Sign-up, email verification, login and access to member pages."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from club.members.models import ConsentRecord, Member
from club.members.tests.factories import PASSWORD, MemberFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "claire@exemple.fr",
    "password1": "un mot de passe long",
    "password2": "un mot de passe long",
    "display_name": "Claire",
    "age_confirmed": "on",
    "accept_rules": "on",
    "consent_news": "on",
}


def _signup(client, **changes):
    data = {**SIGNUP, **changes}
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(reverse("account_signup"), data)


def _link_in_last_email():
    return re.search(r"https?://\S+/compte/confirm-email/\S+/", mail.outbox[-1].body).group(0)


def test_signup_creates_unverified_member_with_rules_age_and_consent(client, settings):
    response = _signup(client)
    assert response.status_code == 302
    member = Member.objects.get(email="claire@exemple.fr")
    assert member.display_name == "Claire"
    assert member.rules_version == settings.CLUB_RULES_VERSION and member.rules_accepted_at
    assert member.age_confirmed_at is not None
    assert member.consent_news is True and member.consent_surveys is False
    record = ConsentRecord.objects.get(member=member)
    assert (record.kind, record.granted, record.source) == ("news", True, "signup")
    assert record.wording_version == settings.CONSENT_WORDING_VERSION
    assert not EmailAddress.objects.get(user=member).verified
    assert len(mail.outbox) == 1 and "claire@exemple.fr" in mail.outbox[0].to
    assert member.membership_number and len(member.membership_number) == 14


def _confirm(client, link, **kwargs):
    """What the member does: open the link (a page, which verifies nothing), press "Confirmer"."""
    opened = client.get(link)
    assert opened.status_code == 200 and "Confirmer" in opened.content.decode()
    return client.post(link, **kwargs)


def test_opening_the_link_alone_verifies_nothing_as_mail_scanners_follow_links(client):
    _signup(client)
    client.get(_link_in_last_email())
    assert not EmailAddress.objects.get(email="claire@exemple.fr").verified


def test_verification_link_logs_in_and_lands_on_mon_club(client):
    _signup(client)
    response = _confirm(client, _link_in_last_email(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("club:dashboard")
    member = Member.objects.get(email="claire@exemple.fr")
    assert EmailAddress.objects.get(user=member).verified
    assert member.membership_number in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "DEJA@Exemple.FR"}, "email", "déjà"),
        ({"email": "pas-une-adresse"}, "email", "valide"),
        ({"password1": "court", "password2": "court"}, "password1", "10 caractères"),
        ({"password1": "12345678901234", "password2": "12345678901234"}, "password1", "numérique"),
        ({"password2": "autre mot de passe long"}, "password2", "même mot de passe"),
        ({"age_confirmed": None}, "age_confirmed", "15 ans"),
        ({"accept_rules": None}, "accept_rules", "règlement"),
    ],
)
def test_bad_signup_shows_message_next_to_field_and_creates_nothing(client, changes, field, message):
    MemberFactory(email="deja@exemple.fr")
    before = Member.objects.count()
    response = _signup(client, **changes)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors, response.context["form"].errors
    assert f'id="id_{field}_error"' in response.content.decode()
    assert Member.objects.count() == before
    assert ConsentRecord.objects.count() == 0


def test_tampered_verification_link_explains_and_offers_a_new_link(client):
    _signup(client)
    response = client.get(_link_in_last_email()[:-6] + "XXXXX/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "a expiré, n'est pas valide ou a déjà servi" in body
    assert reverse("account_login") in body
    assert not EmailAddress.objects.get(email="claire@exemple.fr").verified


def test_expired_verification_link_is_refused(client, settings):
    _signup(client)
    settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 0
    response = client.get(_link_in_last_email())
    assert "a expiré, n'est pas valide ou a déjà servi" in response.content.decode()
    assert not EmailAddress.objects.get(email="claire@exemple.fr").verified


def test_login_of_unverified_member_sends_a_new_link(client):
    _signup(client)
    mail.outbox.clear()
    cache.clear()  # allauth sends at most one link every few minutes per address
    response = client.post(reverse("account_login"), {"login": SIGNUP["email"], "password": SIGNUP["password1"]})
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1


def test_anonymous_visitor_is_sent_to_login_and_comes_back(client):
    response = client.get(reverse("members:profile"))
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={reverse('members:profile')}"
    member = MemberFactory()
    response = client.post(
        response.url, {"login": member.email, "password": PASSWORD, "next": reverse("members:profile")}
    )
    assert response.url == reverse("members:profile")


def test_logged_in_unverified_member_is_told_what_to_do_and_can_resend(client):
    member = MemberFactory(verified=False)
    client.force_login(member)
    response = client.get(reverse("club:dashboard"))
    assert response.url == reverse("members:verify_needed")
    page = client.get(response.url).content.decode()
    assert member.email in page
    client.post(reverse("members:verify_needed"))
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [member.email]


def test_login_with_wrong_password_fails_with_message(client):
    member = MemberFactory()
    response = client.post(reverse("account_login"), {"login": member.email, "password": "mauvais mot de passe"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_login_is_case_insensitive_and_logout_works(client):
    member = MemberFactory(email="paul@exemple.fr")
    response = client.post(reverse("account_login"), {"login": "PAUL@exemple.FR", "password": PASSWORD})
    assert response.url == reverse("club:dashboard")
    assert int(client.session["_auth_user_id"]) == member.pk
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_link(client):
    MemberFactory(email="paul@exemple.fr")
    client.post(reverse("account_reset_password"), {"email": "paul@exemple.fr"})
    assert len(mail.outbox) == 1 and "/compte/password/reset/key/" in mail.outbox[0].body


def test_member_changes_email_after_verifying_the_new_address(client):
    member = MemberFactory(email="ancien@exemple.fr")
    client.force_login(member)
    assert client.get(reverse("account_email")).status_code == 200
    client.post(reverse("account_email"), {"action_add": "", "email": "nouveau@exemple.fr"})
    assert mail.outbox[-1].to == ["nouveau@exemple.fr"]
    member.refresh_from_db()
    assert member.email == "ancien@exemple.fr"
    _confirm(client, _link_in_last_email())
    member.refresh_from_db()
    assert member.email == "nouveau@exemple.fr"


def test_member_changes_password_with_the_same_rules(client):
    member = MemberFactory()
    client.force_login(member)
    url = reverse("account_change_password")
    short = client.post(url, {"oldpassword": PASSWORD, "password1": "court", "password2": "court"})
    assert "10 caractères" in short.content.decode()
    client.post(
        url, {"oldpassword": PASSWORD, "password1": "nouveau mot de passe", "password2": "nouveau mot de passe"}
    )
    member.refresh_from_db()
    assert member.check_password("nouveau mot de passe")


def test_welcome_points_are_paid_once_and_only_after_verification(client):
    from rewards.ledger.models import LedgerEntry
    from rewards.ledger.selectors import balance_of

    _signup(client)
    member = Member.objects.get(email="claire@exemple.fr")
    assert balance_of(member=member) == 0
    link = _link_in_last_email()
    _confirm(client, link)
    client.post(link)
    welcome = LedgerEntry.objects.filter(member=member, reason="signup")
    assert welcome.count() == 1 and balance_of(member=member) == welcome.get().amount > 0
    # Verifying a new address later pays nothing more.
    client.post(reverse("account_email"), {"action_add": "", "email": "claire.nouvelle@exemple.fr"})
    _confirm(client, _link_in_last_email())
    assert LedgerEntry.objects.filter(member=member, reason="signup").count() == 1


def test_the_check_your_emails_page_sends_the_link_again_within_the_rate_limit(client):
    from django.core.cache import cache

    _signup(client)
    page = client.get(reverse("account_email_verification_sent")).content.decode()
    assert "Renvoyer le lien" in page
    sent = len(mail.outbox)
    client.post(reverse("members:resend_verification"), {"email": "claire@exemple.fr"})
    assert len(mail.outbox) == sent  # the sign-up's link left less than 3 minutes ago
    cache.clear()  # ...three minutes later
    response = client.post(reverse("members:resend_verification"), {"email": "Claire@Exemple.fr"}, follow=True)
    assert len(mail.outbox) == sent + 1 and "/compte/confirm-email/" in mail.outbox[-1].body
    assert "un nouveau lien vient" in response.content.decode()
    cache.clear()
    unknown = client.post(reverse("members:resend_verification"), {"email": "inconnu@exemple.fr"}, follow=True)
    assert len(mail.outbox) == sent + 1
    assert "un nouveau lien vient" in unknown.content.decode()
