"""'Comment gagner des points': the ways that exist, their points and caps, and what is already earned."""

import pytest
from django.urls import reverse

from club.members.services import member_email_verified
from club.members.tests.factories import MemberFactory
from club.notifications.models import Notification
from rewards.ledger.models import EarningRule
from rewards.ledger.selectors import earning_guide
from rewards.ledger.services import points_award

pytestmark = pytest.mark.django_db


def test_the_guide_lists_only_the_ways_that_exist_with_their_points(client):
    page = client.get(reverse("ledger:earn")).content.decode()
    assert "Bienvenue au club" in page and "Profil complété" in page
    assert "50 points" in page and "une seule fois" in page
    assert "Enquête" in page and "Sondage" in page  # the surveys feature registered its two ways
    assert "Quiz réussi" not in page and "Visite au musée" not in page  # no such feature yet


def test_a_member_sees_what_is_already_earned(client):
    member = MemberFactory()
    member_email_verified(member=member)
    client.force_login(member)
    lines = {line.action: line for line in earning_guide(member=member)}
    assert lines["signup"].reached and not lines["profile_completed"].reached
    assert "Déjà gagné" in client.get(reverse("ledger:earn")).content.decode()


def test_a_rule_switched_off_disappears_and_the_guide_costs_two_queries(django_assert_num_queries):
    member = MemberFactory()
    EarningRule.objects.filter(action="profile_completed").update(is_active=False)
    with django_assert_num_queries(2):
        lines = earning_guide(member=member)
    assert [line.action for line in lines] == [
        "signup", "survey_answered", "poll_answered", "content_viewed", "activity_rated",
    ]  # fmt: skip


def test_verifying_the_email_sends_one_welcome_with_the_first_steps():
    member = MemberFactory()
    member_email_verified(member=member)
    member_email_verified(member=member)  # a second address verified later
    welcome = Notification.objects.get(member=member, kind="account")
    assert welcome.title == "Bienvenue au Club des visiteurs !" and welcome.url == reverse("ledger:earn")
    assert "complétez votre profil" in welcome.body


def test_mon_club_says_what_is_within_reach_now_and_what_comes_next(client, member, give):
    from rewards.shop.tests.factories import GiftFactory

    GiftFactory(name="Carte postale", points=60)
    GiftFactory(name="Sac", points=240)
    give(member, 60)
    client.force_login(member)
    page = client.get(reverse("club:dashboard")).content.decode()
    assert "À votre portée" in page and "« Carte postale » pour 60 points" in page
    assert "Plus que 180 points pour « Sac »" in page
    assert reverse("ledger:earn") in page


def test_a_paying_page_says_the_points_or_that_the_cap_is_reached_never_zero(give, django_assert_num_queries):
    from django.template.loader import render_to_string

    from rewards.ledger.models import Reason
    from rewards.ledger.selectors import award_outcome

    member = MemberFactory()
    for _ in range(2):
        give(member, 40, action=Reason.SURVEY_ANSWERED)
    third = give(member, 40, action=Reason.SURVEY_ANSWERED)
    with django_assert_num_queries(0):  # the rule it was paid under and the balance after it come with the entry
        paid = award_outcome(member=member, action=Reason.SURVEY_ANSWERED, entry=third)
    assert (paid.paid, paid.capped, paid.repeat) == (40, False, False)
    assert (paid.balance, paid.cap_count, paid.cap_period) == (120, 3, "day")
    assert "+40 points" in render_to_string("includes/points_outcome.html", {"outcome": paid})
    fourth = give(member, 40, action=Reason.SURVEY_ANSWERED)  # the daily cap is 3
    assert fourth is None
    capped = award_outcome(member=member, action=Reason.SURVEY_ANSWERED, entry=fourth)
    assert (capped.paid, capped.capped, capped.balance) == (0, True, paid.balance)
    html = render_to_string("includes/points_outcome.html", {"outcome": capped})
    assert "Points déjà gagnés aujourd'hui pour « enquête »" in html and "+0" not in html and " 0 point" not in html
    again = points_award(member=member, action=Reason.SURVEY_ANSWERED, reference=third.reference)
    repeat = award_outcome(member=member, action=Reason.SURVEY_ANSWERED, entry=again)
    assert (repeat.paid, repeat.repeat) == (0, True)
