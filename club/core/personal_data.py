"""How an app declares the rows it holds about a member (the personal-data providers).

Each app that has a model pointing at a member lists it in its own
`personal_data.py` module as `PROVIDERS = [PersonalData(...), ...]`. The
composition layer (`club.privacy`) gathers every app's declarations to export
what the club holds about a member and, with the privacy issue, to erase it;
a test fails when a model that references a member is declared by no app, so a
new feature cannot forget its members' data.

`kind` says what erasure will do with the rows:
- `HISTORY`: money and consent rows (ledger, vouchers, consents). They are kept,
  exact, and the member row they point to is pseudonymised instead of deleted;
- `PERSONAL`: what the member wrote or chose (preferences, notifications…):
  exported, then deleted on erasure;
- `TECHNICAL`: plumbing (idempotency keys…): not exported, deleted.
"""

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    HISTORY = "history"
    PERSONAL = "personal"
    TECHNICAL = "technical"


@dataclass(frozen=True)
class PersonalData:
    model: str  # "app_label.ModelName"
    kind: Kind
    # The fields that point at the member whose data this is (the first one is the owner;
    # others, such as `created_by`, name a staff member acting on someone else's row).
    member_fields: tuple[str, ...] = ("member",)
    # What an export shows, in this order (empty for TECHNICAL rows).
    export_fields: tuple[str, ...] = ()

    @property
    def owner_field(self) -> str:
        return self.member_fields[0]


# The core layer's own rows about members.
PROVIDERS = [
    # Remembered answers of retried API calls, purged after 24 hours.
    PersonalData("core.IdempotencyKey", Kind.TECHNICAL),
]
