"""The review ledger, ``locales/<ll>/reviews.yaml``: approvals bound to the exact texts.

One record per approval: the msgctxt, a SHA-256 of the English msgid, a SHA-256 of the
msgstr, the reviewer, the date and an optional note. An approval counts only while both
hashes match the current texts, so any later edit of either voids it by itself. The
state lives beside the PO files, not in them: ``msgmerge`` drops flags it does not
know, and a hash of the text (not of the file) survives re-wrapping, Poedit saves,
``msgmerge`` and ``pipeline update``.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from pipeline.errors import CatalogError, PipelineError, Problem
from pipeline.fsutil import write_text_if_changed
from pipeline.locales import Locale
from pipeline.project import Project
from pipeline.review.identity import REVIEWER, Identity, parse_identity
from pipeline.source import Message

LEDGER_NAME = "reviews.yaml"


def text_hash(text: str) -> str:
    """The SHA-256 of a text as the PO file holds it, unwrapped: re-wrapping never changes it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()



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
        if not self._by_source:  # most ledgers are empty or absent: no hashing per message
            return []
        return list(self._by_source.get((domain, msgctxt, text_hash(source)), ()))

    def valid(self, domain: str, msgctxt: str, source: str, translation: str) -> list[Approval]:
        """The approvals that count for this exact text pair: the latest one per reviewer."""
        if not self._by_source:
            return []
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
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"cannot read the review ledger: {exc.strerror}", path=display) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogError("the review ledger is not valid UTF-8", path=display,
                           line=data[: exc.start].count(b"\n") + 1, hint=hint) from None
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
    if not DATE_PATTERN.match(values["date"]):
        return f"'date' must be YYYY-MM-DD, not '{values['date']}'"
    if not REVIEWER.match(" ".join(values["reviewer"].split())):
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

    def __init__(self, ledger: Ledger, error: PipelineError | None = None) -> None:
        self.ledger = ledger
        self.error = error  # the ledger could not be read: the gate reports it, and blocks under review

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

    The lookup carries the error: ``check`` and ``build`` print it as a warning, and where
    review is required the gate blocks the locale's bundles naming the ledger's line.
    """
    try:
        return ApprovalLookup(load_ledger(project, locale))
    except PipelineError as error:
        return ApprovalLookup(Ledger(""), error)


def ledger_problems(project: Project, locale: Locale) -> list[Problem]:
    try:
        load_ledger(project, locale)
    except PipelineError as exc:
        return list(exc.problems)
    return []
