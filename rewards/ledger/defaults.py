"""Default earning rules: points per action and caps, as first installed.

Staff change them in the admin afterwards; these only fill what is missing.
Each value is (points, cap_count or None, cap_period).
"""

DEFAULT_EARNING_RULES = {
    "signup": (50, 1, "ever"),
    "profile_completed": (30, 1, "ever"),
    "survey_answered": (40, 3, "day"),
    "poll_answered": (10, 5, "day"),
    "quiz_passed": (20, 3, "day"),
    "vote_cast": (15, None, "day"),
    "activity_rated": (30, 2, "day"),
    "museum_checkin": (25, 1, "day"),
    "content_viewed": (5, 5, "day"),
    "idea_planned": (100, None, "day"),
}


def create_missing_rules(rule_model) -> None:
    existing = set(rule_model.objects.values_list("action", flat=True))
    rule_model.objects.bulk_create(
        rule_model(action=action, points=points, cap_count=cap, cap_period=period)
        for action, (points, cap, period) in DEFAULT_EARNING_RULES.items()
        if action not in existing
    )
