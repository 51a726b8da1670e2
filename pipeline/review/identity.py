"""People in the review: reviewers, translators, and the day of an approval.

A person is ``Name <email>``, as gettext's ``Last-Translator`` header writes them; the
e-mail address identifies them (case-insensitively), the name only when there is no
address. gettext's placeholder ``FULL NAME <EMAIL@ADDRESS>`` names nobody. A translator
of one entry is named by a translator comment line ``# Translator: Name <email>``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from pipeline.catalog import Entry
from pipeline.errors import UsageError

# gettext's template value for Last-Translator: it names nobody.
PLACEHOLDER_IDENTITY = "FULL NAME <EMAIL@ADDRESS>"

_IDENTITY = re.compile(r"^(?P<name>[^<>]*?)\s*<(?P<email>[^<>\s]*)>$")
REVIEWER = re.compile(r"^(?P<name>[^<>@]*[^<>@\s])\s*<(?P<email>[^<>\s@]+@[^<>\s@]+)>$")
# The per-entry convention: a translator comment line "# Translator: Name <email>".
_TRANSLATOR_LINE = re.compile(r"^\s*translator\s*:\s*(?P<who>.+?)\s*$", re.I | re.M)


@dataclass(frozen=True)
class Identity:
    """A person as gettext names them: ``Name <email>``; the e-mail is what identifies them."""

    name: str
    email: str = ""

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else self.name

    @property
    def key(self) -> str:
        """Who this is, for counting distinct reviewers: the e-mail, case-insensitively."""
        return self.email.casefold() if self.email else " ".join(self.name.split()).casefold()

    def same_person(self, other: "Identity") -> bool:
        """E-mail addresses compared case-insensitively; the names only when one has no e-mail."""
        if self.email and other.email:
            return self.email.casefold() == other.email.casefold()
        return " ".join(self.name.split()).casefold() == " ".join(other.name.split()).casefold()


def parse_identity(text: str) -> Identity | None:
    """Read ``Name <email>`` or a bare name leniently; None for nobody (empty, gettext's placeholder)."""
    text = " ".join(text.split())
    if not text or text.casefold() == PLACEHOLDER_IDENTITY.casefold():
        return None
    match = _IDENTITY.match(text)
    if match is None:
        return Identity(text)
    name, email = match.group("name").strip(), match.group("email").strip()
    if email.casefold() == "email@address":
        email = ""
    if not name and not email:
        return None
    return Identity(name or email, email)


def parse_reviewer(text: str) -> Identity:
    """A reviewer exactly as given: ``Name <email>``, or a :class:`UsageError`."""
    normalized = " ".join(text.split())
    hint = ('give a name and an e-mail address, e.g. --reviewer "Dr Jane Roe <jane.roe@example.org>"; '
            "the ledger records exactly this identity")
    match = REVIEWER.match(normalized)
    if match is None:
        raise UsageError(f"--reviewer '{text}' is not of the form \"Name <email>\"", hint=hint)
    identity = Identity(match.group("name"), match.group("email"))
    if parse_identity(normalized) is None or identity.email.casefold() == "email@address":
        raise UsageError(f"--reviewer '{text}' is gettext's placeholder, not a person", hint=hint)
    return identity


def entry_translators(entry: Entry | None) -> tuple[Identity, ...]:
    """The people named by ``# Translator: Name <email>`` lines in an entry's translator comment."""
    if entry is None or not entry.comment:
        return ()
    found = (parse_identity(m.group("who")) for m in _TRANSLATOR_LINE.finditer(entry.comment))
    return tuple(who for who in found if who is not None)


def approval_date(environ: Mapping[str, str] = os.environ) -> str:
    """The day of an approval: ``SOURCE_DATE_EPOCH`` (UTC) when set, else today (local time)."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return dt.date.today().isoformat()
    if not epoch.isdigit():
        raise UsageError(f"SOURCE_DATE_EPOCH='{epoch}' is not a whole number of seconds since 1970",
                         hint="unset it to date approvals today, or set it to e.g. $(date +%s)")
    return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date().isoformat()
