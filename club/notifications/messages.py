"""Notifications rendered in the reader's language, whenever they are read.

A notification keeps the French source of its title and body (the msgid of a
`gettext_lazy`) and its parameters; the inbox, the API and the email render
them in the language of whoever reads them (the email: the member's, when it is
sent). Parameters that depend on the language are stored as such:
- `translated(obj, "name")`: a staff-written text in every language (a gift's
  name), shown in the reader's, falling back to French;
- a `datetime`: shown as a date in the reader's language.
The rendered French text is stored too (`title`, `body`), for the admin and as
the fallback of a notification sent before this existed.
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext

_GETTEXT = gettext


def source_of(text: Any) -> str:
    """The msgid of a lazy translation ('' for plain text, which is shown as it is)."""
    if isinstance(text, Promise):
        reduced: tuple = text.__reduce__()[1]
        func, args = reduced[0], reduced[1]
        if getattr(func, "__name__", "") == "gettext" and len(args) == 1:
            return str(args[0])
    return ""


def translated(obj: Any, field: str) -> dict:
    """A parameter holding a staff-written text in each language (modeltranslation fields)."""
    values = {code: getattr(obj, f"{field}_{code}", None) or "" for code, _name in settings.LANGUAGES}
    return {"i18n": {code: value for code, value in values.items() if value} or {"fr": str(getattr(obj, field))}}


def params_for_storage(params: dict) -> dict:
    stored: dict = {}
    for name, value in params.items():
        if isinstance(value, datetime):
            stored[name] = {"date": value.isoformat()}
        elif isinstance(value, Promise):
            stored[name] = str(value)
        else:
            stored[name] = value
    return stored


def _shown(value: Any) -> Any:
    if isinstance(value, dict) and "i18n" in value:
        texts = value["i18n"]
        return texts.get((get_language() or "fr")[:2]) or texts.get("fr") or next(iter(texts.values()), "")
    if isinstance(value, dict) and "date" in value:
        moment = parse_datetime(value["date"])
        # The club writes dates in full in both languages ("1 janvier 2027", "1 January 2027").
        return formats.date_format(timezone.localtime(moment), "j F Y") if moment else ""
    return value


def params_for_display(stored: dict) -> dict:
    return {name: _shown(value) for name, value in (stored or {}).items()}


def render(source: str, stored_params: dict) -> str:
    """The source in the active language, with its parameters shown for the reader."""
    text = _GETTEXT(source)
    params = params_for_display(stored_params)
    return text % params if params else text
