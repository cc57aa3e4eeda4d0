"""Writes about the museums of the network."""

from museums.models import Museum


def museum_upsert(*, slug: str, **fields) -> Museum:
    """Create the museum or bring its fields up to date (idempotent)."""
    museum, _ = Museum.objects.update_or_create(slug=slug, defaults=fields)
    return museum
