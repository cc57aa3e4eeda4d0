"""Write the French catalogue's plural forms (French is the source language, but zero is singular in it).

A text marked for translation in French needs no French catalogue, except for
plurals: without one, gettext picks the plural for every count but one, and
a new member would read "Vous avez 0 points". This command copies every plural
entry of the English catalogue (which `makemessages` keeps complete) into
`locale/fr` with its French source as translation, under French's plural rule
(`n > 1`), so "0 point" and "2 points" come out right. `make messages` runs it.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand

FRENCH_PLURAL_RULE = "nplurals=2; plural=(n > 1);"


class Command(BaseCommand):
    help = "Copy the catalogue's plural texts into the French catalogue, under French's plural rule."

    def handle(self, *args, **options):
        locale = Path(settings.LOCALE_PATHS[0])
        english = polib.pofile(str(locale / "en" / "LC_MESSAGES" / "django.po"))
        french = polib.POFile()
        french.metadata = {
            "Project-Id-Version": "club",
            "Language": "fr",
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Plural-Forms": FRENCH_PLURAL_RULE,
        }
        for entry in english:
            if entry.obsolete or not entry.msgid_plural:
                continue
            french.append(
                polib.POEntry(
                    msgctxt=entry.msgctxt,
                    msgid=entry.msgid,
                    msgid_plural=entry.msgid_plural,
                    msgstr_plural={0: entry.msgid, 1: entry.msgid_plural},
                    flags=[flag for flag in entry.flags if flag.endswith("-format")],
                )
            )
        target = locale / "fr" / "LC_MESSAGES"
        target.mkdir(parents=True, exist_ok=True)
        french.save(str(target / "django.po"))
        french.save_as_mofile(str(target / "django.mo"))
        self.stdout.write(f"{len(french)} plural texts written to {target}.")
