"""The clinical review sheet: a self-contained bilingual HTML page for a reviewer without a PO editor.

Rendered with Jinja2 (autoescape on) from a :class:`~pipeline.review.LocaleReview`:
required sections first, each message with its English, its translation (marked with
the locale's ``lang`` and ``dir``), its review state, its QA findings and, when the
English changed since it was translated, the English before the change with the words
that changed marked. Inline CSS and a Content-Security-Policy that forbids every fetch:
the file can be mailed, printed or opened offline. No timestamp: the same texts and
ledger give the same bytes.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from pathlib import Path

from pipeline.review.state import LocaleReview, ReviewItem, item_detail
from pipeline.source import SITE_DOMAIN, Sources

TEMPLATES = Path(__file__).parent / "templates"
_SECTION_NAMES = {"title": "Title", "introduction": "Introduction", "labels": "Page labels"}


@lru_cache(maxsize=1)
def environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, auto_reload=False,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def word_diff(before: str, after: str) -> list[dict]:
    """``before`` -> ``after`` as segments ``{"op": "equal"|"delete"|"insert", "text"}``, word by word."""
    old, new = re.split(r"(\s+)", before), re.split(r"(\s+)", after)
    segments: list[dict] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("equal", "delete", "replace") and i2 > i1:
            segments.append({"op": "equal" if op == "equal" else "delete", "text": "".join(old[i1:i2])})
        if op in ("insert", "replace") and j2 > j1:
            segments.append({"op": "insert", "text": "".join(new[j1:j2])})
    return segments


def _section_title(sources: Sources, domain: str, section: str) -> str:
    if domain == SITE_DOMAIN and section == "disclaimer":
        return sources.site.disclaimer.heading.text
    if section in _SECTION_NAMES:
        return _SECTION_NAMES[section]
    for found in sources.article(domain).sections:
        if found.id == section:
            return found.heading.text
    return section


def _row(item: ReviewItem, min_approvals: int) -> dict:
    return {
        "source": item.message.text,
        "kind": item.message.kind,
        "translation": item.translation,
        "previous": word_diff(item.previous, item.message.text) if item.previous else None,
        "previous_text": item.previous or "",
        "state": item.state,
        "detail": item_detail(item, min_approvals),
        "findings": [{"severity": f.severity, "check": f.check, "message": f.message} for f in item.findings],
        "location": item.location(),
    }


def sheet_context(review: LocaleReview, sources: Sources, article: str | None, require_review: bool) -> dict:
    from pipeline.bundle import language_info

    groups: list[dict] = []
    by_key: dict[tuple[str, str], dict] = {}
    for item in review.items:
        key = (item.message.domain, item.section)
        group = by_key.get(key)
        if group is None:
            group = {"domain": item.message.domain, "section": item.section, "role": item.message.role,
                     "required": item.required, "rows": [],
                     "title": _section_title(sources, item.message.domain, item.section)}
            by_key[key] = group
            groups.append(group)
        group["rows"].append(_row(item, review.min_approvals))
    # Required sections first across the sheet; otherwise the order of the source.
    groups.sort(key=lambda g: not g["required"])
    language = language_info(review.locale.tag)
    scope = f"article '{article}'" if article and article != SITE_DOMAIN else (
        "the shared site strings (disclaimer and page labels)" if article else "every article and the site strings")
    return {
        "locale": review.locale.tag,
        "language": language,
        "scope": scope,
        "article": article,
        "section": review.scope.section,
        "groups": groups,
        "counts": review.counts(),
        "total": len(review.items),
        "min_approvals": review.min_approvals,
        "require_review": require_review,
        "ledger": review.ledger.path,
        "machine_drafted": sorted(d for d, origin in review.origins.items() if origin.lower() == "machine-drafted"),
        "orphaned": len(review.orphaned),
    }


def render_sheet(review: LocaleReview, sources: Sources, article: str | None = None,
                 require_review: bool = False) -> str:
    """The sheet's HTML for ``review`` (one locale, in the scope it was made for)."""
    context = sheet_context(review, sources, article, require_review)
    return environment().get_template("sheet.html").render(**context)
