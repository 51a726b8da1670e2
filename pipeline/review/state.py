"""The review state of each message of a locale: approved, stale or pending, and why.

A message is *approved* when it is usable (translated, not fuzzy, no error-level
finding) and has at least ``min_approvals`` valid approvals from distinct reviewers;
*stale* when it is not, and an approval of it exists that one of its texts no longer
matches (the translation changed, or the English changed as ``#|`` records it); else
*pending*.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pipeline.catalog import Entry
from pipeline.checks import ERROR, Finding
from pipeline.errors import Problem, UsageError
from pipeline.locales import Locale
from pipeline.project import Project
from pipeline.review.identity import Identity, entry_translators, parse_identity
from pipeline.review.ledger import Approval, Ledger, Void, load_ledger
from pipeline.source import Message, Sources

APPROVED = "approved"
STALE = "stale"
PENDING = "pending"
STATES = (APPROVED, STALE, PENDING)



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
