"""Clinical review: approvals bound to the exact English and translated texts.

Each locale keeps a ledger, ``locales/<ll>/reviews.yaml``: one record per approval with
the msgctxt, a SHA-256 of the English msgid, a SHA-256 of the msgstr, the reviewer, the
date and an optional note. An approval counts only while both hashes match the current
texts, so any later edit of either voids it by itself. The state lives beside the PO
files, not in them: ``msgmerge`` drops flags it does not know, and a hash of the text
(not of the file) survives re-wrapping, Poedit saves, ``msgmerge`` and ``pipeline update``.

This module holds the ledger and the review state of each message; the sign-off sheet
is rendered by :mod:`pipeline.review_sheet`. ``docs/review.md`` is the user's guide.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from pipeline.catalog import Entry
from pipeline.checks import ERROR, Finding
from pipeline.errors import CatalogError, InputError, PipelineError, Problem, UsageError
from pipeline.fsutil import write_text_if_changed
from pipeline.locales import Locale
from pipeline.project import Project
from pipeline.source import SITE_DOMAIN, Message, Sources

LEDGER_NAME = "reviews.yaml"
# gettext's template value for Last-Translator: it names nobody.
PLACEHOLDER_IDENTITY = "FULL NAME <EMAIL@ADDRESS>"

APPROVED = "approved"
STALE = "stale"
PENDING = "pending"
STATES = (APPROVED, STALE, PENDING)


def text_hash(text: str) -> str:
    """The SHA-256 of a text as the PO file holds it, unwrapped: re-wrapping never changes it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ----------------------------------------------------------------------- identities

_IDENTITY = re.compile(r"^(?P<name>[^<>]*?)\s*<(?P<email>[^<>\s]*)>$")
_REVIEWER = re.compile(r"^(?P<name>[^<>@]*[^<>@\s])\s*<(?P<email>[^<>\s@]+@[^<>\s@]+)>$")
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
    match = _REVIEWER.match(normalized)
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


# --------------------------------------------------------------------------- ledger


@dataclass(frozen=True, order=True)
class Approval:
    """One reviewer's sign-off of one English text and its translation, in one msgctxt."""

    domain: str
    msgctxt: str
    source_sha256: str
    translation_sha256: str
    reviewer: str
    date: str
    note: str = ""
    line: int = field(default=0, compare=False)  # where the record starts in reviews.yaml

    @property
    def identity(self) -> Identity:
        return parse_identity(self.reviewer) or Identity(self.reviewer)

    @property
    def section(self) -> str:
        """The section id, from the msgctxt ``domain/section`` (``labels/name`` counts as ``labels``)."""
        _, _, rest = self.msgctxt.partition("/")
        return rest.split("/")[0]

    def matches(self, msgctxt: str, source: str, translation: str) -> bool:
        return (self.msgctxt == msgctxt and self.source_sha256 == text_hash(source)
                and self.translation_sha256 == text_hash(translation))

    def describe(self) -> str:
        return f"{self.reviewer} on {self.date}"

    def to_yaml(self) -> dict:
        data = {"domain": self.domain, "msgctxt": self.msgctxt, "source_sha256": self.source_sha256,
                "translation_sha256": self.translation_sha256, "reviewer": self.reviewer, "date": self.date}
        if self.note:
            data["note"] = self.note
        return data


@dataclass(frozen=True)
class Void:
    """An approval of this message that no longer counts, and which text changed since."""

    approval: Approval
    changed: str  # "translation" or "English"

    def describe(self) -> str:
        return f"the {self.changed} changed since {self.approval.reviewer} approved it on {self.approval.date}"


@dataclass(frozen=True)
class Ledger:
    path: str
    approvals: tuple[Approval, ...] = ()
    _by_source: dict = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        for approval in self.approvals:
            key = (approval.domain, approval.msgctxt, approval.source_sha256)
            self._by_source.setdefault(key, []).append(approval)

    def for_message(self, domain: str, msgctxt: str, source: str) -> list[Approval]:
        """Every approval of this msgctxt and English, whatever translation it was for."""
        return list(self._by_source.get((domain, msgctxt, text_hash(source)), ()))

    def valid(self, domain: str, msgctxt: str, source: str, translation: str) -> list[Approval]:
        """The approvals that count for this exact text pair: the latest one per reviewer."""
        translation_hash = text_hash(translation)
        latest: dict[str, Approval] = {}
        for approval in sorted(self.for_message(domain, msgctxt, source), key=lambda a: (a.date, a)):
            if approval.translation_sha256 == translation_hash:
                latest[approval.identity.key] = approval
        return sorted(latest.values(), key=lambda a: (a.date, a.reviewer))

    def count(self, domain: str, msgctxt: str, source: str, translation: str) -> int:
        """Valid approvals of this exact text pair, one per reviewer."""
        return len(self.valid(domain, msgctxt, source, translation))

    def void(self, domain: str, msgctxt: str, source: str, translation: str,
             previous_source: str | None = None, previous_msgctxt: str | None = None) -> list[Void]:
        """Approvals this message had that no longer match: its translation or its English changed.

        The English is known to have changed when the entry is fuzzy with a previous msgid
        (``#|``), as ``msgmerge --previous`` and ``pipeline update`` leave it; a reviewer
        who has a valid approval is not listed again for an older one.
        """
        translation_hash = text_hash(translation)
        current = {a.identity.key for a in self.valid(domain, msgctxt, source, translation)}
        result = [Void(a, "translation") for a in self.for_message(domain, msgctxt, source)
                  if a.translation_sha256 != translation_hash]
        if previous_source is not None and previous_source != source:
            result += [Void(a, "English")
                       for a in self.for_message(domain, previous_msgctxt or msgctxt, previous_source)]
        result = [v for v in result if v.approval.identity.key not in current]
        return sorted(result, key=lambda v: (v.approval.date, v.approval.reviewer), reverse=True)


_FIELDS = ("domain", "msgctxt", "source_sha256", "translation_sha256", "reviewer", "date")
_OPTIONAL = ("note",)
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def ledger_path(project: Project, locale: Locale) -> Path:
    return project.locale_dir(locale) / LEDGER_NAME


def load_ledger(project: Project, locale: Locale) -> Ledger:
    """Read a locale's ledger (empty when there is none); a malformed one is a CatalogError.

    A ledger grows with the content (thousands of articles, one record per message and
    reviewer), so it is parsed with libyaml when PyYAML has it, and walked node by node:
    every record's fields are plain texts, which leaves an alias nothing to expand.
    """
    path = ledger_path(project, locale)
    display = project.display(path)
    if not path.exists():
        return Ledger(display)
    hint = "see docs/review.md for the format; 'git log -p' shows how it was changed"
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise CatalogError(f"cannot read the review ledger: {exc.strerror}", path=display) from None
    except UnicodeDecodeError as exc:
        raise CatalogError("the review ledger is not valid UTF-8", path=display, hint=hint) from None
    if all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        return Ledger(display)
    fast = _read_canonical(text)
    if fast is not None:
        return Ledger(display, fast)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise CatalogError(f"invalid YAML: {exc.problem or exc.context}", path=display,
                           line=mark.line + 1 if mark else None, hint=hint) from None
    except yaml.YAMLError as exc:
        raise CatalogError(f"invalid YAML: {exc}", path=display, hint=hint) from None
    finally:
        loader.dispose()

    def fail(message: str, at) -> CatalogError:
        return CatalogError(message, path=display, line=at.start_mark.line + 1, hint=hint)

    if not isinstance(node, MappingNode):
        raise fail("the review ledger must be a mapping with one key, 'approvals'", node)
    records = None
    for key, value in node.value:
        if not isinstance(key, ScalarNode) or key.value != "approvals" or records is not None:
            raise fail(f"unknown key '{getattr(key, 'value', '?')}' in the review ledger (expected 'approvals' "
                       "once)", key)
        records = value
    if records is None or (isinstance(records, ScalarNode) and records.tag.endswith(":null")):
        return Ledger(display)
    if not isinstance(records, SequenceNode):
        raise fail("'approvals' must be a list of records", records)
    seen: set[int] = set()
    approvals = []
    for item in records.value:
        if id(item) in seen:
            raise fail("an approval record must be written out, not repeated with a YAML alias", item)
        seen.add(id(item))
        approvals.append(_record(item, fail))
    return Ledger(display, tuple(approvals))


def _record(item, fail) -> Approval:
    if not isinstance(item, MappingNode):
        raise fail("an approval record must be a mapping", item)
    values: dict[str, str] = {}
    for key, value in item.value:
        name = getattr(key, "value", None)
        if name not in _FIELDS + _OPTIONAL:
            raise fail(f"unknown field '{name}' in an approval record", key)
        if name in values:
            raise fail(f"field '{name}' appears twice in one approval record", key)
        if not isinstance(value, ScalarNode) or not value.value.strip():
            raise fail(f"'{name}' must be a non-empty text", value)
        values[name] = value.value.strip()
    problem = _record_problem(values)
    if problem:
        raise fail(problem, item)
    return _approval(values, item.start_mark.line + 1)


def _record_problem(values: dict[str, str]) -> str | None:
    missing = [name for name in _FIELDS if name not in values]
    if missing:
        return f"approval record is missing {', '.join(missing)}"
    for name in ("source_sha256", "translation_sha256"):
        if not _SHA256.match(values[name]):
            return f"'{name}' must be 64 lower-case hexadecimal digits (a SHA-256)"
    if not _DATE.match(values["date"]):
        return f"'date' must be YYYY-MM-DD, not '{values['date']}'"
    if not _REVIEWER.match(" ".join(values["reviewer"].split())):
        return f"'reviewer' must be \"Name <email>\", not '{values['reviewer']}'"
    return None


def _approval(values: dict[str, str], line: int) -> Approval:
    return Approval(values["domain"], values["msgctxt"], values["source_sha256"], values["translation_sha256"],
                    values["reviewer"], values["date"], values.get("note", ""), line)


_CANONICAL_LINE = re.compile(r"^(- |  )([a-z_0-9]+): (.+)$")
_CANONICAL_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_.-]*$")


def _read_canonical(text: str) -> tuple[Approval, ...] | None:
    """Read the exact layout :func:`render_ledger` writes, line by line; None for anything else.

    Ten times faster than composing YAML nodes, which matters for a ledger of tens of
    thousands of records. Whatever is not exactly that layout, and every error, is left
    to the YAML reader, so both give the same approvals and the same messages.
    """
    records: list[tuple[dict[str, str], int]] = []
    started = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        if not started:
            if line != "approvals:":
                return None
            started = True
            continue
        match = _CANONICAL_LINE.match(line)
        if match is None:
            return None
        lead, name, raw = match.groups()
        if raw.startswith('"'):
            try:
                value = json.loads(raw)
            except ValueError:
                return None
            if not isinstance(value, str):
                return None
        elif _CANONICAL_PLAIN.match(raw):
            value = raw
        else:
            return None
        if lead == "- ":
            records.append(({}, number))
        elif not records:
            return None
        values = records[-1][0]
        if name not in _FIELDS + _OPTIONAL or name in values or not value.strip():
            return None
        values[name] = value.strip()
    if not started:
        return None
    approvals = []
    for values, number in records:
        if _record_problem(values) is not None:
            return None
        approvals.append(_approval(values, number))
    return tuple(approvals)


# What a plain (unquoted) YAML scalar may safely hold here: ids, msgctxts, hashes.
_PLAIN = re.compile(r"^[a-z0-9][a-z0-9/-]*$")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})
# Characters to escape in a double-quoted scalar: what YAML does not allow unescaped
# (PyYAML's Reader.NON_PRINTABLE), and what it would read as a line break (NEL, LS, PS).
_NON_PRINTABLE = re.compile(r"[^\x09\x0A\x0D\x20-\x7E\xA0-\u2027\u202A-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")


def _scalar(value: str) -> str:
    if _PLAIN.match(value) and not value.isdigit() and value not in _YAML_WORDS:
        return value
    quoted = json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar
    return _NON_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) < 0x10000
                              else f"\\U{ord(m.group()):08x}", quoted)


def render_ledger(locale: Locale, approvals: list[Approval] | tuple[Approval, ...]) -> str:
    """Sorted, one record per block, a blank line between records: plain diffs and easy merges.

    Written by hand rather than by ``yaml.safe_dump``: byte-stable whatever the PyYAML
    version, and fast enough for a ledger of tens of thousands of records.
    """
    records = sorted(set(replace(a, line=0) for a in approvals))
    header = (f"# Clinical review ledger for {locale.tag}: written by 'pipeline review approve' and\n"
              "# 'pipeline review revoke'. An approval counts only while both hashes match the\n"
              "# current English and translation. On a merge conflict keep both sides' records.\n"
              "# See docs/review.md.\n")
    if not records:
        return header + "approvals: []\n"
    blocks = []
    for a in records:
        lines = [f"- domain: {_scalar(a.domain)}", f"  msgctxt: {_scalar(a.msgctxt)}",
                 f"  source_sha256: {_scalar(a.source_sha256)}",
                 f"  translation_sha256: {_scalar(a.translation_sha256)}",
                 f"  reviewer: {_scalar(a.reviewer)}", f'  date: "{a.date}"']
        if a.note:
            lines.append(f"  note: {_scalar(a.note)}")
        blocks.append("\n".join(lines) + "\n")
    return header + "approvals:\n" + "\n".join(blocks)


def save_ledger(project: Project, locale: Locale, approvals: list[Approval] | tuple[Approval, ...]) -> bool:
    """Write the ledger atomically, only when its bytes change."""
    return write_text_if_changed(ledger_path(project, locale), render_ledger(locale, approvals))


class ApprovalLookup:
    """The gate's view of a ledger: valid approvals (a count) and void ones (a reason)."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def __call__(self, locale_tag: str, domain: str, message: Message, translation: str) -> int:
        return self.ledger.count(domain, message.context, message.text, translation)

    def void(self, locale_tag: str, domain: str, message: Message, translation: str) -> str:
        """Why an earlier approval of this message no longer counts; '' when there was none."""
        found = self.ledger.void(domain, message.context, message.text, translation)
        if not found:
            return ""
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        return found[0].describe() + more


def approvals_for(project: Project, locale: Locale) -> ApprovalLookup:
    """The gate's approval lookup for ``locale``; a malformed ledger counts as no approvals.

    ``pipeline review status`` reports a malformed ledger as an error; the gate only sees
    nothing approved, which blocks required sections when review is required.
    """
    try:
        ledger = load_ledger(project, locale)
    except PipelineError:
        ledger = Ledger("")
    return ApprovalLookup(ledger)


def ledger_problems(project: Project, locale: Locale) -> list[Problem]:
    try:
        load_ledger(project, locale)
    except PipelineError as exc:
        return list(exc.problems)
    return []


# -------------------------------------------------------------- the state of messages


@dataclass(frozen=True)
class Scope:
    """Which messages a review command covers: some domains, optionally one section."""

    domains: tuple[str, ...]
    section: str | None = None

    def covers(self, domain: str, section: str) -> bool:
        return domain in self.domains and (self.section is None or section == self.section)


def section_of(message: Message) -> str:
    """The section id a reviewer names: ``labels/updated`` is in section ``labels``."""
    return message.section.split("/")[0]


def make_scope(sources: Sources, article: str | None = None, section: str | None = None) -> Scope:
    """``--article`` names one article's domain (``site``: the shared strings); none means every domain."""
    known = sources.domains()
    if article is None:
        domains = known
    elif article in known:
        domains = (article,)
    else:
        raise UsageError(f"no article '{article}' in source/articles",
                         hint=f"choose one of: {', '.join(known)} ('site' is the disclaimer and page labels)")
    if section is not None:
        sections = sorted({section_of(m) for d in domains for m in sources.domain_messages(d)})
        if section not in sections:
            where = f"article '{article}'" if article else "the source"
            raise UsageError(f"no section '{section}' in {where}", hint=f"sections: {', '.join(sections)}")
    return Scope(tuple(domains), section)


@dataclass(frozen=True)
class ReviewItem:
    """One message of a locale, as a reviewer sees it."""

    message: Message
    path: str  # the PO file
    line: int | None
    required: bool
    translation: str
    previous: str | None  # the English the translation was made for, when the English changed since
    blocker: str | None  # why it cannot be approved now: untranslated, fuzzy, qa-error, unreadable
    findings: tuple[Finding, ...]
    valid: tuple[Approval, ...]
    void: tuple[Void, ...]
    state: str
    translators: tuple[Identity, ...] = ()

    @property
    def usable(self) -> bool:
        return self.blocker is None

    @property
    def section(self) -> str:
        return section_of(self.message)

    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def why_not_usable(self) -> str:
        errors = [f for f in self.findings if f.severity == ERROR]
        return {
            "untranslated": "untranslated",
            "missing-po": "no PO file for this locale",
            "fuzzy": "fuzzy: the English changed; a translator must confirm the translation" if self.previous
                     else "fuzzy: a translator must confirm the translation",
            "qa-error": "QA error: " + "; ".join(f"[{f.check}] {f.message}" for f in errors),
            "unreadable": "the PO file cannot be read",
        }.get(self.blocker or "", self.blocker or "")


@dataclass(frozen=True)
class LocaleReview:
    """The review state of every message in scope for one locale."""

    locale: Locale
    ledger: Ledger
    scope: Scope
    min_approvals: int
    items: tuple[ReviewItem, ...]
    last_translators: Mapping[str, tuple[Identity, int | None]]  # domain -> (who, header line)
    paths: Mapping[str, str]
    origins: Mapping[str, str]  # domain -> X-Translation-Origin header
    orphaned: tuple[Approval, ...] = ()  # records in scope that match no current message
    problems: tuple[Problem, ...] = ()

    def counts(self) -> dict[str, int]:
        result = dict.fromkeys(STATES, 0)
        for item in self.items:
            result[item.state] += 1
        return result


def review_locale(project: Project, sources: Sources, locale: Locale, scope: Scope | None = None,
                  ledger: Ledger | None = None) -> LocaleReview:
    """Read ``locale``'s PO files and ledger and give each source message in scope its review state.

    A PO file that cannot be read is a problem in the result, and its messages are
    pending; a malformed ledger raises (there is nothing to report without it).
    """
    from pipeline.qa import check_domain, check_policy, read_locale

    config = project.config
    scope = scope or make_scope(sources)
    ledger = ledger if ledger is not None else load_ledger(project, locale)
    data = read_locale(project, locale, scope.domains)
    policy = check_policy(config, locale)
    problems: list[Problem] = [p for e in data.errors.values() for p in e.problems]
    if data.glossary_error is not None:
        problems.extend(data.glossary_error.problems)
    items: list[ReviewItem] = []
    last_translators: dict[str, tuple[Identity, int | None]] = {}
    origins: dict[str, str] = {}
    linked: set[Approval] = set()
    for domain in scope.domains:
        catalog = data.catalogs.get(domain)
        if catalog is not None:
            who = parse_identity(catalog.meta("Last-Translator"))
            if who is not None:
                last_translators[domain] = (who, _header_line(project.po_path(locale, domain), "Last-Translator"))
            origins[domain] = catalog.meta("X-Translation-Origin").strip()
        findings = check_domain(sources, data, domain, config, policy) if catalog is not None else {}
        index = catalog.index() if catalog is not None else {}
        domain_items: list[ReviewItem] = []
        seen: set[tuple[str, str]] = set()
        for message in sources.domain_messages(domain):
            if message.key in seen or not scope.covers(domain, section_of(message)):
                continue
            seen.add(message.key)
            item = _item(message, index.get(message.key), data.paths[domain], domain in data.errors,
                         catalog is None, message.role in config.required_roles,
                         tuple(findings.get(message.key, ())), ledger, config.min_approvals)
            linked.update(item.valid)
            linked.update(v.approval for v in item.void)
            domain_items.append(item)
        # Required sections first, then the source's order (a stable sort keeps it).
        items.extend(sorted(domain_items, key=lambda i: not i.required))
    orphaned = tuple(a for a in ledger.approvals
                     if scope.covers(a.domain, a.section) and a not in linked)
    return LocaleReview(locale, ledger, scope, config.min_approvals, tuple(items), last_translators,
                        dict(data.paths), origins, orphaned, tuple(problems))


def _item(message: Message, entry: Entry | None, path: str, unreadable: bool, missing: bool, required: bool,
          findings: tuple[Finding, ...], ledger: Ledger, min_approvals: int) -> ReviewItem:
    translation = entry.msgstr if entry is not None else ""
    previous = None
    if entry is not None and entry.fuzzy and entry.previous_msgid and entry.previous_msgid != entry.msgid:
        previous = entry.previous_msgid
    if unreadable:
        blocker = "unreadable"
    elif missing:
        blocker = "missing-po"
    elif entry is None or not entry.has_text:
        blocker = "untranslated"
    elif entry.fuzzy:
        blocker = "fuzzy"
    elif any(f.severity == ERROR for f in findings):
        blocker = "qa-error"
    else:
        blocker = None
    domain, context = message.domain, message.context
    valid = tuple(ledger.valid(domain, context, message.text, translation)) if translation else ()
    void = ledger.void(domain, context, message.text, translation, previous,
                       entry.previous_msgctxt if entry is not None else None)
    if blocker is None and len(valid) >= min_approvals:
        state = APPROVED
    elif void:
        state = STALE
    else:
        state = PENDING
    return ReviewItem(message, path, entry.line if entry is not None else None, required, translation, previous,
                      blocker, findings, valid, tuple(void), state, entry_translators(entry))


def _header_line(path: Path, name: str) -> int | None:
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for number, line in enumerate(lines, start=1):
        if line.startswith(f'"{name}:'):
            return number
    return None


_SHORT_BLOCKERS = {"untranslated": "untranslated", "missing-po": "no PO file", "fuzzy": "fuzzy",
                   "qa-error": "QA error", "unreadable": "PO file unreadable"}


def item_detail(item: ReviewItem, min_approvals: int) -> str:
    """The state of one message in words, as the sheet and the skip lines show it."""
    if item.state == APPROVED:
        return "by " + ", ".join(a.describe() for a in item.valid)
    if item.state == STALE:
        ready = "" if item.usable else f"; not ready for approval ({_SHORT_BLOCKERS.get(item.blocker, item.blocker)})"
        return "changed since approval: " + "; ".join(v.describe() for v in item.void) + ready
    if not item.usable:
        return item.why_not_usable()
    if item.valid:
        return (f"{len(item.valid)} of {min_approvals} approvals: "
                + ", ".join(a.describe() for a in item.valid))
    return "awaiting review"


# ------------------------------------------------------------------- approve, revoke


class SelfApprovalError(InputError):
    """A reviewer asked to approve a translation they made (exit 2, nothing written)."""


@dataclass(frozen=True)
class ApproveResult:
    ledger_path: str
    reviewer: Identity
    date: str
    approved: tuple[ReviewItem, ...]
    skipped: tuple[tuple[ReviewItem, str], ...]  # (message, why)
    superseded: int  # the reviewer's void records replaced by the new approvals
    written: bool


def approve(project: Project, sources: Sources, locale: Locale, reviewer: Identity, date: str,
            scope: Scope, note: str = "") -> ApproveResult:
    """Approve, as ``reviewer`` on ``date``, every message in scope that is usable now.

    Raises :class:`SelfApprovalError` (writing nothing) when the reviewer is the PO file's
    Last-Translator or is named by a ``# Translator:`` comment of a message they would approve.
    """
    if not _DATE.match(date):
        raise UsageError(f"approval date '{date}' is not YYYY-MM-DD")
    note = " ".join(note.split())
    review = review_locale(project, sources, locale, scope)
    if review.problems:
        raise InputError(review.problems)
    skipped: list[tuple[ReviewItem, str]] = []
    chosen: list[ReviewItem] = []
    for item in review.items:
        mine = [a for a in item.valid if a.identity.same_person(reviewer)]
        if not item.usable:
            skipped.append((item, item.why_not_usable()))
        elif mine:
            skipped.append((item, f"already approved by {mine[0].describe()}"))
        else:
            chosen.append(item)
    conflicts = _self_approvals(review, chosen, reviewer)
    if conflicts:
        raise SelfApprovalError(conflicts)
    new = [Approval(item.message.domain, item.message.context, text_hash(item.message.text),
                    text_hash(item.translation), str(reviewer), date, note) for item in chosen]
    # A reviewer's void approvals of a message they approve again are history, not state.
    superseded = {v.approval for item in chosen for v in item.void if v.approval.identity.same_person(reviewer)}
    kept = [a for a in review.ledger.approvals if a not in superseded]
    written = save_ledger(project, locale, kept + new) if new else False
    return ApproveResult(review.ledger.path or project.display(ledger_path(project, locale)), reviewer, date,
                         tuple(chosen), tuple(skipped), len(superseded), written)


def _self_approvals(review: LocaleReview, chosen: list[ReviewItem], reviewer: Identity) -> list[Problem]:
    problems: list[Problem] = []
    hint = ("a translation must be revised by a second person (ISO 17100): ask another clinician "
            "to approve it, or narrow the scope with --article/--section")
    for domain in sorted({item.message.domain for item in chosen}):
        who, line = review.last_translators.get(domain, (None, None))
        if who is not None and who.same_person(reviewer):
            count = sum(1 for item in chosen if item.message.domain == domain)
            problems.append(Problem(f"{reviewer} cannot approve their own translation: they are this file's "
                                    f"Last-Translator ({who}); {count} message(s) in scope",
                                    review.paths[domain], line, hint))
    for item in chosen:
        for who in item.translators:
            if who.same_person(reviewer):
                problems.append(Problem(f"{reviewer} cannot approve their own translation: the translator "
                                        f"comment names {who} as its translator", item.path, item.line, hint))
    return problems


@dataclass(frozen=True)
class RevokeResult:
    ledger_path: str
    reviewer: Identity
    removed: tuple[Approval, ...]
    written: bool


def revoke(project: Project, sources: Sources, locale: Locale, reviewer: Identity,
           article: str | None = None, section: str | None = None) -> RevokeResult:
    """Remove ``reviewer``'s records in scope, valid or void, including those of removed texts.

    The scope is read from the records themselves (their domain and msgctxt), so an
    approval of an article or section that no longer exists can still be revoked.
    """
    ledger = load_ledger(project, locale)
    recorded = {a.domain for a in ledger.approvals}
    if article is not None and article not in recorded:
        make_scope(sources, article)  # an unknown name is an error; a known one with no records is fine
    removed = tuple(a for a in ledger.approvals if a.identity.same_person(reviewer)
                    and (article is None or a.domain == article) and (section is None or a.section == section))
    kept = [a for a in ledger.approvals if a not in set(removed)]
    written = save_ledger(project, locale, kept) if removed else False
    return RevokeResult(ledger.path, reviewer, removed, written)


# --------------------------------------------------------------------------- status


@dataclass(frozen=True)
class SectionReview:
    locale: str
    domain: str
    section: str
    role: str | None
    required: bool
    approved: int
    stale: int
    pending: int

    @property
    def total(self) -> int:
        return self.approved + self.stale + self.pending

    def to_json(self) -> dict:
        return {"domain": self.domain, "section": self.section, "role": self.role, "required": self.required,
                "approved": self.approved, "stale": self.stale, "pending": self.pending, "total": self.total}


def section_counts(review: LocaleReview) -> list[SectionReview]:
    """Approved, stale and pending messages per section, in the source's order."""
    counts: dict[tuple[str, str], list] = {}
    order: dict[tuple[str, str], int] = {}
    for item in review.items:
        key = (item.message.domain, item.section)
        if key not in counts:
            counts[key] = [item.message.role, item.required, dict.fromkeys(STATES, 0)]
            order[key] = min(order.get(key, item.message.line), item.message.line)
        counts[key][2][item.state] += 1
    domains = list(review.scope.domains)
    keys = sorted(counts, key=lambda k: (domains.index(k[0]), order[k]))
    return [SectionReview(review.locale.tag, d, s, counts[(d, s)][0], counts[(d, s)][1],
                          counts[(d, s)][2][APPROVED], counts[(d, s)][2][STALE], counts[(d, s)][2][PENDING])
            for d, s in keys]


def status_json(reviews: list[LocaleReview], require_review: bool, min_approvals: int) -> dict:
    """``pipeline review status --format json`` (documented in docs/review.md)."""
    return {
        "require_review": require_review,
        "min_approvals": min_approvals,
        "locales": [
            {"locale": r.locale.tag, "ledger": r.ledger.path, **r.counts(), "total": len(r.items),
             "orphaned": len(r.orphaned), "sections": [s.to_json() for s in section_counts(r)]}
            for r in reviews
        ],
    }
