"""The vocabulary apps use to declare their staff permissions on their `AppConfig`.

    museum_team_permissions = ALL_PERMISSIONS       # or a tuple of codenames
    museum_team_admin_only = ("delete_museum",)      # never for the museum team

`club.members.permissions` reads these after every migrate (it lives here, at
the bottom, so that every app, museums included, can use it).
"""

ALL_PERMISSIONS = "__all__"
