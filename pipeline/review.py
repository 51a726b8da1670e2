"""Clinical review: approvals bound to the exact English and translated texts.

Each locale keeps a ledger, ``locales/<ll>/reviews.yaml``: one record per approval with
the msgctxt, a SHA-256 of the English msgid, a SHA-256 of the msgstr, the reviewer, the
date and an optional note. An approval counts only while both hashes match the current
texts, so any later edit of either voids it by itself. The state lives beside the PO
files, not in them: ``msgmerge`` drops flags it does not know, and a hash of the text
(not of the file) survives re-wrapping, Poedit saves and Weblate round trips.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipeline.errors import CatalogError, Problem
from pipeline.fsutil import write_text_if_changed
from pipeline.locales import Locale
from pipeline.project import Project
from pipeline.source import Message
from pipeline.yamlnodes import compose, line_of

LEDGER_NAME = "reviews.yaml"


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, order=True)
class Approval:
    domain: str
    msgctxt: str
    source_sha256: str
    translation_sha256: str
    reviewer: str
    date: str
    note: str = ""
    line: int = 0

    def matches(self, msgctxt: str, source: str, translation: str) -> bool:
        return (self.msgctxt == msgctxt and self.source_sha256 == text_hash(source)
                and self.translation_sha256 == text_hash(translation))

    def to_yaml(self) -> dict:
        data = {"domain": self.domain, "msgctxt": self.msgctxt, "source_sha256": self.source_sha256,
                "translation_sha256": self.translation_sha256, "reviewer": self.reviewer, "date": self.date}
        if self.note:
            data["note"] = self.note
        return data


@dataclass(frozen=True)
class Ledger:
    path: str
    approvals: tuple[Approval, ...] = ()

    def count(self, domain: str, msgctxt: str, source: str, translation: str) -> int:
        """Valid approvals of this exact text pair, one per reviewer."""
        source_hash, translation_hash = text_hash(source), text_hash(translation)
        reviewers = {a.reviewer for a in self.approvals
                     if a.domain == domain and a.msgctxt == msgctxt and a.source_sha256 == source_hash
                     and a.translation_sha256 == translation_hash}
        return len(reviewers)

    def for_message(self, domain: str, msgctxt: str, source: str) -> list[Approval]:
        source_hash = text_hash(source)
        return [a for a in self.approvals
                if a.domain == domain and a.msgctxt == msgctxt and a.source_sha256 == source_hash]


_FIELDS = ("domain", "msgctxt", "source_sha256", "translation_sha256", "reviewer", "date")


def ledger_path(project: Project, locale: Locale) -> Path:
    return project.locale_dir(locale) / LEDGER_NAME


def load_ledger(project: Project, locale: Locale) -> Ledger:
    """Read a locale's ledger (empty when there is none); a malformed one is a CatalogError."""
    path = ledger_path(project, locale)
    display = project.display(path)
    if not path.exists():
        return Ledger(display)
    node, problems = compose(path, display)
    if problems:
        raise CatalogError(problems[0].message, path=display, line=problems[0].line, hint=problems[0].hint)
    if node is None:
        return Ledger(display)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    records = data.get("approvals") if isinstance(data, dict) else None
    if records is None:
        records = []
    if not isinstance(records, list):
        raise CatalogError("'approvals' must be a list", path=display, line=line_of(node))
    item_nodes = _approval_nodes(node)
    approvals = []
    for i, record in enumerate(records):
        line = line_of(item_nodes[i]) if i < len(item_nodes) else None
        if not isinstance(record, dict) or any(not isinstance(record.get(k), (str, dt.date)) for k in _FIELDS):
            raise CatalogError(f"approval record needs the text fields {', '.join(_FIELDS)}", path=display,
                               line=line)
        approvals.append(Approval(
            str(record["domain"]), str(record["msgctxt"]), str(record["source_sha256"]),
            str(record["translation_sha256"]), str(record["reviewer"]), str(record["date"]),
            str(record.get("note") or ""), line or 0,
        ))
    return Ledger(display, tuple(approvals))


def _approval_nodes(node) -> list:
    from yaml.nodes import MappingNode, SequenceNode

    if isinstance(node, MappingNode):
        for key, value in node.value:
            if getattr(key, "value", None) == "approvals" and isinstance(value, SequenceNode):
                return list(value.value)
    return []


def render_ledger(locale: Locale, approvals: list[Approval]) -> str:
    """Sorted, one record per block: plain diffs and easy merges."""
    records = sorted(set(a.__class__(**{**a.__dict__, "line": 0}) for a in approvals))
    header = (f"# Clinical review ledger for {locale.tag}. Written by 'pipeline review approve';\n"
              "# an approval counts only while both hashes match the current texts. See docs/review.md.\n")
    body = yaml.safe_dump({"approvals": [a.to_yaml() for a in records]}, allow_unicode=True, sort_keys=False,
                          width=1000, default_flow_style=False)
    return header + body


def save_ledger(project: Project, locale: Locale, approvals: list[Approval]) -> bool:
    return write_text_if_changed(ledger_path(project, locale), render_ledger(locale, approvals))


def approvals_for(project: Project, locale: Locale):
    """The gate's approval lookup for ``locale``; a malformed ledger counts as no approvals."""
    try:
        ledger = load_ledger(project, locale)
    except CatalogError:
        ledger = Ledger("")

    def count(locale_tag: str, domain: str, message: Message, translation: str) -> int:
        return ledger.count(domain, message.context, message.text, translation)

    return count


def ledger_problems(project: Project, locale: Locale) -> list[Problem]:
    try:
        load_ledger(project, locale)
    except CatalogError as exc:
        return list(exc.problems)
    return []
