"""The safety gate: decide, per bundle (one article in one locale), published or blocked.

PRODUCT.md, "The safety gate": every message of the disclaimer and of every section whose
role is required must be translated, not fuzzy, free of error-level findings (and
approved, where the policy asks for review). Anything else that is not usable falls back
to English and is counted; below the coverage threshold the bundle is blocked too.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field

from pipeline.checks import ERROR, Finding
from pipeline.config import Config
from pipeline.frozen import maker
from pipeline.qa import LocaleCatalogs
from pipeline.source import SITE_DOMAIN, Article, Message, Sources

PUBLISHED = "published"
BLOCKED = "blocked"

# Review states, weakest first: a bundle never claims more than the records show.
MACHINE_DRAFTED = "machine-drafted"
UNREVIEWED = "unreviewed"
REVIEWED = "reviewed"
ORIGIN_HEADER = "X-Translation-Origin"


@dataclass(frozen=True)
class Reason:
    """Why a bundle is blocked, located in the PO file."""

    rule: str  # malformed-po, missing-po, untranslated, fuzzy, qa-error, unreviewed, stale-review, coverage
    message: str
    path: str
    line: int | None = None
    section: str | None = None
    check: str | None = None

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: blocked [{self.rule}] {self.message}"

    def to_json(self) -> dict:
        return {"rule": self.rule, "message": self.message, "path": self.path, "line": self.line,
                "section": self.section, "check": self.check}


@dataclass(frozen=True)
class Resolved:
    """The text a bundle shows for one message: the translation, or English as a fallback."""

    text: str
    fallback: bool = False
    why: str | None = None  # untranslated, fuzzy, qa-error, unreviewed (when fallback)


_new_resolved = maker(Resolved)  # one for each message of each bundle


@dataclass(frozen=True)
class Coverage:
    total: int
    translated: int

    @property
    def fallback(self) -> int:
        return self.total - self.translated

    @property
    def percent(self) -> float:
        return round(100.0 * self.translated / self.total, 1) if self.total else 100.0

    def to_json(self) -> dict:
        return {"total": self.total, "translated": self.translated, "fallback": self.fallback,
                "percent": self.percent}


@dataclass(frozen=True)
class Verdict:
    article: str
    locale: str
    status: str
    reasons: tuple[Reason, ...]
    coverage: Coverage
    review_state: str
    texts: Mapping[tuple[str, str], Resolved] = field(default_factory=dict, compare=False, repr=False)
    findings: tuple[Finding, ...] = field(default=(), compare=False, repr=False)

    @property
    def published(self) -> bool:
        return self.status == PUBLISHED

    def to_json(self) -> dict:
        return {"article": self.article, "locale": self.locale, "status": self.status,
                "reasons": [r.to_json() for r in self.reasons], "coverage": self.coverage.to_json(),
                "review_state": self.review_state}


# Approvals are looked up through this: (locale, domain, message, translation) -> the
# number of valid approvals. pipeline.review provides it; without it nothing is approved.
Approvals = Callable[[str, str, Message, str], int]


def _no_approvals(locale: str, domain: str, message: Message, translation: str) -> int:
    return 0


def bundle_messages(sources: Sources, article: Article) -> list[Message]:
    """Every message a bundle shows, once each: the article's, then the site's."""
    seen: set[tuple[str, str]] = set()
    result = []
    for message in (*article.all_messages, *sources.site.all_messages):
        if message.key not in seen:
            seen.add(message.key)
            result.append(message)
    return result


def evaluate_bundle(
    sources: Sources,
    article: Article,
    data: LocaleCatalogs,
    findings: Mapping[str, Mapping[tuple[str, str], list[Finding]]],
    config: Config,
    approvals: Approvals = _no_approvals,
    site_part: "_Part | None" = None,
) -> Verdict:
    """The gate's verdict for ``article`` in ``data.locale``; ``findings`` are by domain, then key.

    ``site_part``: what :func:`_site_part` gave for the locale's site strings, the same for every
    article (:class:`LocaleGate` computes it once)."""
    locale = data.locale.tag
    reasons: list[Reason] = []
    domains = (article.id, SITE_DOMAIN)
    for domain in domains:
        error = data.errors.get(domain)
        if error is not None:
            reasons.append(Reason("malformed-po", f"cannot read the catalogue: {error.message}",
                                  error.path or data.paths[domain], error.line))
    own = _evaluate_messages(sources, article.all_messages, article.id, data, findings, config, approvals)
    if site_part is None or not site_part.apart_from(own):
        site_part = _site_part(sources, data, findings, config, approvals, own.texts.keys())
    reasons.extend(own.reasons)
    reasons.extend(site_part.reasons)
    translated = own.translated + site_part.translated
    coverage = Coverage(len(own.texts) + len(site_part.texts), translated)
    texts = own.texts  # the article's own: made for this bundle
    texts.update(site_part.texts)
    if coverage.percent < config.coverage_threshold:
        reasons.append(Reason("coverage", f"only {coverage.percent}% of the article is translated "
                              f"({coverage.fallback} of {coverage.total} messages would fall back to English); "
                              f"the policy requires {config.coverage_threshold:g}%", data.paths[article.id]))
    review_state = _review_state(data, domains, own.approved_all and site_part.approved_all, translated)
    status = BLOCKED if reasons else PUBLISHED
    return Verdict(article.id, locale, status, tuple(reasons), coverage, review_state, texts,
                   (*own.findings, *site_part.findings))


@dataclass
class _Part:
    """The gate's reading of some of a bundle's messages: the article's, or the site strings'."""

    reasons: list[Reason]
    texts: dict[tuple[str, str], Resolved]  # by key: each message read, once
    findings: list[Finding]
    translated: int
    approved_all: bool

    def apart_from(self, other: "_Part") -> bool:
        """Whether none of these messages is one of ``other``'s (a bundle shows a message once)."""
        return self.texts.keys().isdisjoint(other.texts)


def _site_part(sources: Sources, data: LocaleCatalogs, findings, config: Config, approvals: Approvals,
               shown: Collection[tuple[str, str]] = frozenset()) -> _Part:
    """The site strings' part of a bundle's verdict, but those the article's messages show."""
    messages = [m for m in sources.site.all_messages if m.key not in shown]
    return _evaluate_messages(sources, messages, SITE_DOMAIN, data, findings, config, approvals)


def _evaluate_messages(sources: Sources, messages, domain: str, data: LocaleCatalogs, findings, config: Config,
                       approvals: Approvals) -> _Part:
    """The gate's reading of ``messages``, all of ``domain``, each once (the first of a key)."""
    locale = data.locale.tag
    reasons: list[Reason] = []
    texts: dict[tuple[str, str], Resolved] = {}
    all_findings: list[Finding] = []
    translated = 0
    approved_all = True
    required_roles = config.required_roles
    # The domain's path, catalogue, index and findings, looked up once, not for each message.
    catalog = data.catalogs.get(domain)
    path, index, domain_findings = data.paths[domain], catalog.index() if catalog is not None else {}, \
        findings.get(domain, {})
    malformed = domain in data.errors
    for message in messages:
        key = message.key
        if key in texts:
            continue
        required = message.role in required_roles
        entry = index.get(key)
        found = domain_findings.get(key)
        if found:
            all_findings.extend(found)
            errors = [f for f in found if f.severity == ERROR]
        else:
            errors = ()
        section = message.section
        why = None
        if malformed:
            why = "malformed-po"
        elif catalog is None:
            why = "untranslated"
            if required:
                reasons.append(Reason("missing-po", f"no catalogue for this locale; required section '{section}' "
                                      f"cannot be published: {_quote(message.text)}", path, None, section))
        elif entry is None or not entry.has_text or _blank_entry(entry):
            why = "untranslated"
            if required:
                detail = ("not in the catalogue (run 'pipeline update')" if entry is None
                          else "untranslated" if not entry.has_text
                          else "blank (only spaces or invisible characters)")
                line = entry.line if entry else None
                edited = _edited_entry(sources, catalog, domain, message) if entry is None else None
                if edited is not None:
                    detail = (f"not in the catalogue (is the msgid on line {edited.line} this message, edited by "
                              "hand? restore it, or run 'pipeline update')")
                    line = edited.line
                reasons.append(Reason("untranslated",
                                      f"{detail} in required section '{section}': {_quote(message.text)}",
                                      path, line, section))
        elif entry.fuzzy:
            why = "fuzzy"
            if required:
                reasons.append(Reason("fuzzy", f"fuzzy (needs a translator's confirmation) in required section "
                                      f"'{section}': {_quote(message.text)}", path, entry.line, section))
        elif errors:
            why = "qa-error"
            if required:
                for finding in errors:
                    reasons.append(Reason("qa-error", f"[{finding.check}] {finding.message} in required section "
                                          f"'{section}'", path, entry.line, section, finding.check))
        if why is None:
            count = approvals(locale, domain, message, entry.msgstr)
            if count < 1:
                approved_all = False
            if required and config.require_review and count < config.min_approvals:
                rule = "unreviewed"
                need = "an approval" if config.min_approvals == 1 else f"{config.min_approvals} approvals"
                # pipeline.review's lookup also says why an earlier approval no longer counts.
                void = getattr(approvals, "void", None)
                stale = void(locale, domain, message, entry.msgstr) if void is not None else ""
                if stale:
                    rule = "stale-review"
                reasons.append(Reason(rule, (f"approval void, {stale}; " if stale else "")
                                      + f"needs {need} from a clinical reviewer (has {count}) in required "
                                      f"section '{section}': {_quote(message.text)}", path, entry.line, section))
            texts[key] = _new_resolved(text=entry.msgstr)
            translated += 1
        else:
            approved_all = False
            texts[key] = _new_resolved(text=message.text, fallback=True, why=why)

    return _Part(reasons, texts, all_findings, translated, approved_all)


def _review_state(data: LocaleCatalogs, domains: tuple[str, ...], approved_all: bool, translated: int) -> str:
    if approved_all and translated:
        return REVIEWED
    origins = {data.catalogs[d].meta(ORIGIN_HEADER).strip().lower() for d in domains if d in data.catalogs}
    if MACHINE_DRAFTED in origins:
        return MACHINE_DRAFTED
    return UNREVIEWED


def _edited_entry(sources: Sources, catalog, domain: str, message: Message):
    """The entry that probably is ``message`` with its msgid edited by a translator, or None."""
    from pipeline.qa import closest_stray, stray_entries

    return closest_stray(stray_entries(sources, catalog, domain), message)


def _blank_entry(entry) -> bool:
    """Nothing a reader can see in the translation (every plural form, for a plural message)."""
    if not entry.msgid_plural:
        return _blank(entry.msgstr)
    return all(_blank(text) for text in entry.msgstr_plural)


def _blank(text: str) -> bool:
    """A translation with nothing a reader can see: spaces, zero-width or other format characters."""
    if text.isprintable():  # no control, format or separator character but the ASCII space
        return not text.strip(" ")
    import unicodedata

    return all(ch.isspace() or unicodedata.category(ch) in ("Cf", "Zs", "Zl", "Zp", "Cc") for ch in text)


def _quote(text: str, limit: int = 60) -> str:
    return '"' + (text if len(text) <= limit else text[: limit - 1] + "…") + '"'


@dataclass(frozen=True)
class LocaleReport:
    """Everything ``check`` knows about one locale: findings by domain, and a verdict per article."""

    locale: str
    findings: Mapping[str, Mapping[tuple[str, str], list[Finding]]]
    verdicts: tuple[Verdict, ...]
    problems: tuple = ()
    stamps: Mapping[str, bytes] = field(default_factory=dict, compare=False, repr=False)  # PO files read, by path

    def all_findings(self) -> list[Finding]:
        result = []
        for domain in sorted(self.findings):
            for found in self.findings[domain].values():
                result.extend(found)
        return sorted(result, key=lambda f: (f.path, f.line, f.check, f.message))


def evaluate_locale(project, sources: Sources, locale, approvals: Approvals | None = None,
                    articles: tuple[Article, ...] | None = None, errors_only: bool = False) -> LocaleReport:
    """Read a locale once, check every domain once, and give each article its verdict: the
    locale's report as one value, everything held (the tests' way to ask for verdicts, and the
    reference ``check``'s streamed report is compared with). ``check`` and the build go an
    article at a time through :class:`LocaleGate` instead.

    ``errors_only`` runs only the checks that can change a verdict (the build); the
    verdicts are the same either way.
    """
    from pipeline.qa import read_locale

    chosen = articles if articles is not None else sources.articles
    # Only the catalogues these bundles show: a rebuild of one article reads two files.
    domains = sources.domains() if articles is None else (SITE_DOMAIN, *(a.id for a in chosen))
    data = read_locale(project, locale, domains)
    gate = LocaleGate(project, sources, approvals, errors_only, data)
    problems = gate.problems(data)
    findings = {domain: gate.findings_of(domain) for domain in domains}
    verdicts = tuple(gate.verdict(article) for article in chosen)
    stamps = {data.paths[domain]: stamp for domain, stamp in data.stamps.items()}
    return LocaleReport(locale.tag, findings, verdicts, problems, stamps)


class LocaleGate:
    """One locale's gate: its policy, glossary and review ledger read once, then a verdict for
    each article asked for.

    ``data`` holds the catalogues already read (``evaluate_locale`` reads every domain at
    once); without it, the site strings are read here, and :meth:`stream` reads each
    article's catalogue when it comes to it and lets it go after, so that a build's job
    holds one article's catalogue, findings and texts at a time (holding 200 made a
    worker's peak grow with the corpus: docs/performance.md).
    """

    def __init__(self, project, sources: Sources, approvals: Approvals | None, errors_only: bool,
                 data: LocaleCatalogs | None = None, locale=None) -> None:
        from pipeline.qa import check_policy, read_locale

        self.project, self.sources, self.errors_only = project, sources, errors_only
        self.approvals = approvals or _no_approvals
        self.data = data if data is not None else read_locale(project, locale, (SITE_DOMAIN,))
        self.policy = check_policy(project.config, self.data.locale)
        self.findings: dict[str, Mapping[tuple[str, str], list[Finding]]] = {}
        self.site_part: _Part | None = None  # made at the first verdict, once the site's findings are
        # Files that, unreadable, leave a rule of the gate unchecked: a glossary always (its terms
        # guard the required sections), the review ledger where review is required.
        blockers = []
        glossary_error = self.data.glossary_error
        if glossary_error is not None:
            blockers.append(Reason("malformed-glossary", glossary_error.message, glossary_error.path or "",
                                   glossary_error.line))
        ledger_error = getattr(approvals, "error", None)
        self.ledger_problems = tuple(ledger_error.problems) if ledger_error is not None else ()
        if ledger_error is not None and project.config.require_review:
            blockers.append(Reason("malformed-ledger", f"the review ledger cannot be read, so no approval can be "
                                   f"checked: {ledger_error.message}", ledger_error.path or "", ledger_error.line))
        self.blockers = tuple(blockers)

    def findings_of(self, domain: str) -> Mapping[tuple[str, str], list[Finding]]:
        """The findings of ``domain``'s catalogue, checked once."""
        found = self.findings.get(domain)
        if found is None:
            from pipeline.qa import check_domain

            found = self.findings[domain] = check_domain(self.sources, self.data, domain, self.project.config,
                                                         self.policy, self.errors_only)
        return found

    def verdict(self, article: Article) -> Verdict:
        self.findings_of(SITE_DOMAIN)
        self.findings_of(article.id)
        if self.site_part is None:  # the site strings' part of every verdict: a fifth of a bundle's messages
            self.site_part = _site_part(self.sources, self.data, self.findings, self.project.config, self.approvals)
        verdict = evaluate_bundle(self.sources, article, self.data, self.findings, self.project.config,
                                  self.approvals, self.site_part)
        if self.blockers:
            verdict = Verdict(verdict.article, verdict.locale, BLOCKED, verdict.reasons + self.blockers,
                              verdict.coverage, verdict.review_state, verdict.texts, verdict.findings)
        return verdict

    def problems(self, catalogs: LocaleCatalogs | None = None) -> tuple:
        """Warnings about the locale's own files (glossary, ledger) and the catalogues of
        ``catalogs`` (by default, the site strings' only)."""
        return tuple(p for group in self.problem_groups(catalogs) for p in group)

    def problem_groups(self, catalogs: LocaleCatalogs | None = None) -> tuple[tuple, tuple, tuple]:
        """:meth:`problems` in the three groups they are reported in, in that order: the
        glossary's, the catalogues' (``catalogs``, by default the site strings'), the review
        ledger's. ``check`` puts each article's catalogue's between the second and the third."""
        from pipeline.qa import catalog_problems

        data = self.data
        return (tuple(data.glossary_error.problems if data.glossary_error else ()),
                tuple(catalog_problems(self.project, self.sources, catalogs or self._only(SITE_DOMAIN))),
                tuple(self.ledger_problems))

    def _only(self, domain: str) -> LocaleCatalogs:
        """The catalogues read, but for ``domain``'s alone: whose problems to report."""
        from pipeline.qa import LocaleCatalogs

        data = self.data
        return LocaleCatalogs(data.locale, {d: c for d, c in data.catalogs.items() if d == domain}, paths=data.paths)

    def stream(self, articles) -> Iterator[tuple[Article, Verdict, list]]:
        """Each article with its verdict and the warnings about its catalogue, read when its
        turn comes and let go when the next is asked for."""
        from pipeline.qa import catalog_problems, forget_domain, read_domain

        for article in articles:
            read_domain(self.project, self.data, article.id)
            problems = catalog_problems(self.project, self.sources, self._only(article.id))
            yield article, self.verdict(article), problems
            forget_domain(self.data, article.id)
            self.findings.pop(article.id, None)
