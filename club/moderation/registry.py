"""Which models are moderated: features register theirs, so the staff queue (composition) lists every kind.

A registered model inherits `club.moderation.models.Moderated`, has a `member`
(who wrote it), a `body` (what they wrote), a `created_at`, and a
`get_absolute_url()` on the item it belongs to (where staff see it in context).
"""

from dataclasses import dataclass
from typing import Any

from django.db import models


@dataclass(frozen=True)
class ModeratedKind:
    model: type[models.Model]
    label: Any  # a lazy translation: "Commentaire sur un contenu"


_kinds: dict[str, ModeratedKind] = {}


def moderated_register(model: type[models.Model], *, label: Any) -> None:
    _kinds[model._meta.label_lower] = ModeratedKind(model=model, label=label)


def moderated_kinds() -> tuple[ModeratedKind, ...]:
    return tuple(_kinds.values())


def moderated_kind(model: type[models.Model]) -> ModeratedKind | None:
    return _kinds.get(model._meta.label_lower)
