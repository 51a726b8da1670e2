"""Translation QA: a registry of small, named checks.

A check is a function registered with :func:`check`: a stable kebab-case id, a severity
(``error`` or ``warning``) and a one-line docstring that doubles as its help
(``pipeline check --list``). It receives a :class:`Unit` (one source message and its
translation in one locale) and yields a message string for every problem it finds, not
only the first. :func:`run_checks` turns those into :class:`Finding` values; a check that
crashes becomes an error finding that names it (never a silent skip).

Checks live one topic per module (``numbers``, ``units``, ``markup``...) and are imported
below so that registering is a side effect of importing the package.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pipeline.frozen import cached
from pipeline.locales import Locale

_DIGIT = re.compile(r"\d")

ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)


@dataclass(frozen=True)
class Unit:
    """What a check sees: one English message and its translation in one locale."""

    source: str
    translation: str
    locale: Locale
    context: str = ""
    role: str | None = None
    required: bool = False
    source_plural: str = ""
    translations: tuple[str, ...] = ()  # plural forms, when source_plural is set
    nplurals: int = 1
    flags: tuple[str, ...] = ()
    glossary: object | None = None  # pipeline.glossary.Glossary for the locale, if any

    @property
    def forms(self) -> tuple[str, ...]:
        """Every translated text to check: the msgstr, or each plural form."""
        return self.translations if self.source_plural else (self.translation,)

    @cached  # every check that compares texts asks (checks._iter_forms)
    def checked_forms(self) -> tuple[tuple[int | None, str, str, str], ...]:
        if not self.source_plural:
            return ((None, self.translation, self.source, ""),)
        return tuple((index, text, self.source if not index else self.source_plural, f" (plural form {index})")
                     for index, text in enumerate(self.translations))

    @cached  # the numbers and the units checks both ask
    def has_digit(self) -> bool:
        """A digit anywhere in the English or the translation: without one, the numbers and
        units checks have nothing to compare (one search over the joined texts, not four)."""
        return _has_digit("\n".join((self.source, self.source_plural, *self.forms)))


def _has_digit(text: str) -> bool:
    """``_DIGIT.search(text) is not None``; ASCII text, which most English and much else is,
    without the pattern, which tests each character's class (30 us across a catalogue)."""
    if text.isascii():
        return any(digit in text for digit in "0123456789")
    return _DIGIT.search(text) is not None


@dataclass(frozen=True)
class Finding:
    """One QA problem, located in the PO file."""

    check: str
    severity: str
    message: str
    path: str = ""
    line: int = 0
    context: str = ""
    msgid: str = ""

    def format(self) -> str:
        return f"{self.path}:{self.line}: {self.severity} [{self.check}] {self.message}"

    def to_json(self) -> dict:
        return {"check": self.check, "severity": self.severity, "message": self.message, "path": self.path,
                "line": self.line, "msgctxt": self.context, "msgid": self.msgid}


# A check may yield a plain message (reported at its registered severity) or a
# (severity, message) pair when one problem is worse than another (glossary terms are
# errors in required sections, warnings elsewhere).
CheckResult = Iterable["str | tuple[str, str]"]


@dataclass(frozen=True)
class Batch:
    """A catalogue's translations all together, as a check's screen sees them."""

    text: str  # every English text and every translation, one after the other, a line break between
    plural: bool  # a plural message among them
    glossary: object | None  # the locale's glossary, as each unit has it
    screens: dict[str, bool] = field(default_factory=dict, compare=False)  # each check's screen, once asked

    @cached  # the numbers and the units checks both ask
    def has_digit(self) -> bool:
        """:attr:`Unit.has_digit` of all the texts at once."""
        return _has_digit(self.text)


# A screen answers, for a whole batch of units at once, whether a check could find anything
# in any of them: False only where the check yields nothing for every unit of the batch.
# A text screen must hold of a text that contains a text it holds of (a search, not a
# match): the batch's text joins the units' texts. A catalogue whose texts have no digit is
# not checked for numbers, unit by unit; most checks look for something most texts lack.
Screen = Callable[[Batch], bool]


@dataclass(frozen=True)
class Check:
    id: str
    severity: str
    function: Callable[[Unit], CheckResult] = field(compare=False)
    screen: Screen | None = field(default=None, compare=False)

    @property
    def description(self) -> str:
        doc = (self.function.__doc__ or "").strip()
        return doc.splitlines()[0] if doc else ""


REGISTRY: dict[str, Check] = {}


def check(check_id: str, severity: str, screen: Screen | None = None
          ) -> Callable[[Callable[[Unit], CheckResult]], Callable[[Unit], CheckResult]]:
    """Register a check under ``check_id`` with ``severity``, and the ``screen`` that says
    when it has nothing to look at in a whole catalogue (:data:`Screen`; tests/checks/
    test_screens.py holds every screen to its check on random units)."""
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}")

    def register(function: Callable[[Unit], CheckResult]) -> Callable[[Unit], CheckResult]:
        if check_id in REGISTRY:
            raise ValueError(f"check {check_id!r} registered twice")
        REGISTRY[check_id] = Check(check_id, severity, function, screen)
        _SORTED.clear()
        return function

    return register


_SORTED: list[Check] = []


def all_checks() -> list[Check]:
    """Every registered check, sorted by id."""
    if len(_SORTED) != len(REGISTRY):  # registering clears it; sorting per unit costs ~2 µs
        _SORTED[:] = [REGISTRY[k] for k in sorted(REGISTRY)]
    return list(_SORTED)


Plan = tuple  # ((check id, function, severity, registered severity), ...)


def plan_checks(disabled: frozenset[str] = frozenset(), severities: dict[str, str] | None = None,
                errors_only: bool = False, without: frozenset[str] = frozenset()) -> Plan:
    """The checks :func:`run_checks` runs, each with the severity it reports at.

    Worked out once for a catalogue rather than once per message: with 30,000 messages
    a build, the lookups cost more than most checks. ``without``: checks the caller has
    already applied to every message.
    """
    severities = severities or {}
    plan = []
    for chk in all_checks():
        severity = severities.get(chk.id, chk.severity)
        if chk.id in disabled or chk.id in without or errors_only and severity != ERROR:
            continue
        plan.append((chk.id, chk.function, severity, chk.severity))
    return tuple(plan)


def screened(plan: Plan, batch: Batch) -> Plan:
    """``plan`` without the checks whose screen says they find nothing in ``batch`` (each
    screen asked once a batch, however many plans it screens)."""
    kept = []
    for step in plan:
        screen = REGISTRY[step[0]].screen
        if screen is not None:
            passed = batch.screens.get(step[0])
            if passed is None:
                passed = batch.screens[step[0]] = screen(batch)
            if not passed:
                continue
        kept.append(step)
    return tuple(kept)


def digits(batch: Batch) -> bool:
    """A digit somewhere: the numbers and units checks compare nothing without one (:attr:`Unit.has_digit`)."""
    return batch.has_digit


def run_checks(
    unit: Unit,
    *,
    path: str = "",
    line: int = 0,
    disabled: frozenset[str] = frozenset(),
    severities: dict[str, str] | None = None,
    errors_only: bool = False,
    plan: Plan | None = None,
) -> list[Finding]:
    """Run every enabled check on a translated unit; return all findings, crashes included.

    ``severities`` overrides a check's severity (a per-locale downgrade from the
    configuration); an untranslated unit is not checked (the gate counts it instead).
    ``errors_only`` skips the checks whose severity is warning: the build needs only what
    can block a message, ``pipeline check`` shows everything. ``plan``, from
    :func:`plan_checks`, stands for the three.
    """
    if not (unit.translation if not unit.source_plural else any(unit.translations)):
        return []
    if plan is None:
        plan = plan_checks(disabled, severities, errors_only)
    findings: list[Finding] = []
    for check_id, function, severity, registered in plan:
        try:
            for result in function(unit):
                if isinstance(result, tuple):
                    level, message = result
                    level = severity if severity != registered else level
                else:
                    level, message = severity, result
                findings.append(Finding(check_id, level, message, path, line, unit.context, unit.source))
        except Exception as exc:  # noqa: BLE001 - a broken check must fail loudly, as a finding
            findings.append(Finding(
                check_id, ERROR, f"the check crashed ({type(exc).__name__}: {exc}); treat this entry as unchecked",
                path, line, unit.context, unit.source,
            ))
    return findings


def _iter_forms(unit: Unit) -> tuple[tuple[int | None, str, str, str], ...]:
    """Each translated form: its plural index (None for a singular message), its text, the
    English it translates (msgid for form 0, msgid_plural for the others), and the words that
    say which form a message is about (" (plural form 2)", or nothing).

    Made once per unit and kept on it (:attr:`Unit.checked_forms`): most checks ask, and a
    generator made for each of them cost the checks a fifth of their time."""
    return unit.checked_forms


# Registration happens on import; keep this list in step with the modules.
from pipeline.checks import (  # noqa: E402,F401
    characters as _characters,
    glossary as _glossary,
    length as _length,
    markup as _markup,
    numbers as _numbers,
    placeholders as _placeholders,
    plurals as _plurals,
    punctuation as _punctuation,
    repetition as _repetition,
    same as _same,
    units as _units,
    whitespace as _whitespace,
)
