"""What the members app holds about a member, besides the member row itself."""

from club.core.personal_data import Kind, PersonalData

PROVIDERS = [
    PersonalData(
        "members.ConsentRecord",
        Kind.HISTORY,
        export_fields=("created_at", "kind", "granted", "wording_version", "source"),
    ),
    # allauth's addresses: the login and its verification.
    PersonalData("account.EmailAddress", Kind.PERSONAL, ("user",), export_fields=("email", "verified", "primary")),
    # The member app's API token: a secret, never exported.
    PersonalData("authtoken.Token", Kind.TECHNICAL, ("user",)),
]
