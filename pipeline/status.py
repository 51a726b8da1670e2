"""Translation progress per locale and section: what ``pipeline status`` shows."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.catalog import CatalogError, read_po
from pipeline.errors import Problem
from pipeline.locales import Locale
from pipeline.project import Project
from pipeline.source import Message, Sources


@dataclass(frozen=True)
class SectionStatus:
    locale: str
    domain: str
    section: str
    role: str | None
    required: bool
    translated: int
    fuzzy: int
    untranslated: int

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return round(100.0 * self.translated / self.total, 1) if self.total else 100.0

    def to_json(self) -> dict:
        return {
            "locale": self.locale, "domain": self.domain, "section": self.section, "role": self.role,
            "required": self.required, "translated": self.translated, "fuzzy": self.fuzzy,
            "untranslated": self.untranslated, "total": self.total, "percent": self.percent,
        }


def _section_key(message: Message) -> tuple[str, str, str | None]:
    return (message.domain, message.section.split("/")[0], message.role)


def locale_status(project: Project, sources: Sources, locale: Locale) -> tuple[list[SectionStatus], list[Problem]]:
    """One locale's rows, a domain at a time: sources that load each article when it is asked for
    (:class:`pipeline.source.PartialSources`) let it go when its domain is counted."""
    rows: list[SectionStatus] = []
    problems: list[Problem] = []
    required = project.config.required_roles
    for domain in sources.domains():
        path = project.po_path(locale, domain)
        index = {}
        if path.exists():
            try:
                index = read_po(path, project.display(path)).index()
            except CatalogError as exc:
                problems.extend(exc.problems)
        counts: dict[tuple[str, str, str | None], list[int]] = {}
        seen: set[tuple[str, str]] = set()
        for message in sources.domain_messages(domain):
            if message.key in seen:
                continue
            seen.add(message.key)
            entry = index.get(message.key)
            state = entry.state if entry is not None else "untranslated"
            bucket = counts.setdefault(_section_key(message), [0, 0, 0])
            bucket[("translated", "fuzzy", "untranslated").index(state)] += 1
        for (dom, section, role), (t, f, u) in counts.items():
            rows.append(SectionStatus(locale.tag, dom, section, role, role in required, t, f, u))
        sources.keep_only(())
    return rows, problems


def status_job(project: Project, scanned, locale: Locale) -> tuple[list[SectionStatus], list[Problem]]:
    """:func:`locale_status` as a job of ``pipeline status`` (a locale a job, in workers when there
    are enough bundles: :func:`pipeline.build.run_jobs`), loading its articles itself from
    ``scanned`` (:class:`pipeline.source.ScannedSources`) one at a time; ``run_jobs`` lets go of
    the locale's CLDR data after it."""
    return locale_status(project, scanned.sources(), locale)
