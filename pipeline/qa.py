"""Run the QA checks over a locale's catalogues, with the project's check policy.

The bridge between catalogues and :mod:`pipeline.checks`: it reads a locale once (its PO
files and glossary), turns each translated entry of a source message into a
:class:`~pipeline.checks.Unit`, and applies ``[tool.pipeline.checks]``.
"""

from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.catalog import Catalog, Entry, header_line, parse_po, read_po_stamped
from pipeline.checks import ERROR, REGISTRY, Batch, Finding, Unit, plan_checks, run_checks, screened
from pipeline.checks.length import MAX_TRANSLATION_CHARS, oversized
from pipeline.config import Config
from pipeline.errors import CatalogError, ConfigError, PipelineError, Problem
from pipeline.frozen import maker
from pipeline.fsutil import READ_NO_LINK, read_stamped
from pipeline.locales import Locale, parse_locale
from pipeline.project import Project
from pipeline.source import Message, Sources

_POLICY_KEYS = {"disable", "downgrade"}


@dataclass(frozen=True)
class CheckPolicy:
    """Which checks are off, and which errors count as warnings outside required sections."""

    disabled: frozenset[str] = frozenset()
    downgraded: frozenset[str] = frozenset()


def check_policy(config: Config, locale: Locale) -> CheckPolicy:
    """The policy for ``locale``: ``[tool.pipeline.checks]`` merged with its per-locale table.

    Refuses (ConfigError) unknown check ids, and disabling an error-level check: that
    would let a wrong number or a dropped risk through a required section. An error-level
    check may be *downgraded*, which applies outside required sections only.
    """
    table = config.checks
    disabled: set[str] = set()
    downgraded: set[str] = set()
    scopes: list[tuple[str, dict]] = [("[tool.pipeline.checks]", table)]
    for key, value in sorted(table.items()):
        if key in _POLICY_KEYS:
            continue
        if not isinstance(value, dict):
            raise ConfigError(f"[tool.pipeline.checks] {key}: expected 'disable', 'downgrade' or a locale table",
                              path="pyproject.toml", line=config.checks_line)
        try:
            scoped = parse_locale(key)
        except PipelineError:
            raise ConfigError(f"[tool.pipeline.checks.{key}]: '{key}' is not a locale tag", path="pyproject.toml",
                              line=config.checks_line) from None
        if scoped == locale:
            scopes.append((f"[tool.pipeline.checks.{key}]", value))
    for where, scope in scopes:
        for key in ("disable", "downgrade"):
            ids = scope.get(key, [])
            if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
                raise ConfigError(f"{where} {key} must be a list of check ids", path="pyproject.toml",
                                  line=config.checks_line)
            for check_id in ids:
                line = config.line_of(key, f'"{check_id}"') or config.line_of(key, f"'{check_id}'")
                if check_id not in REGISTRY:
                    raise ConfigError(f"{where} {key}: unknown check '{check_id}'", path="pyproject.toml",
                                      line=line, hint="'pipeline check --list' lists the checks")
                if key == "disable" and REGISTRY[check_id].severity == ERROR:
                    raise ConfigError(
                        f"{where} disable: '{check_id}' is an error-level check and cannot be disabled: "
                        "it guards the required sections (disclaimer, risks)",
                        path="pyproject.toml", line=line,
                        hint=f"use downgrade = [\"{check_id}\"] to make it a warning outside required sections")
            (disabled if key == "disable" else downgraded).update(ids)
        for key in sorted(set(scope) - _POLICY_KEYS):
            if where == "[tool.pipeline.checks]":
                continue
            raise ConfigError(f"{where}: unknown setting '{key}'", path="pyproject.toml", line=config.checks_line)
    return CheckPolicy(frozenset(disabled), frozenset(downgraded))


def validate_policy(config: Config, locales: list[Locale]) -> None:
    for locale in locales:
        check_policy(config, locale)


@dataclass(frozen=True)
class LocaleCatalogs:
    """One locale read once: its PO files by domain, the files that failed, its glossary."""

    locale: Locale
    catalogs: dict[str, Catalog] = field(default_factory=dict)
    errors: dict[str, CatalogError] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)
    glossary: object | None = None
    glossary_error: PipelineError | None = None
    # Each PO file read, by domain: its stamp (pipeline.fsutil.read_stamped), which a build
    # keeps so as not to read the file again to hash it.
    stamps: dict[str, bytes] = field(default_factory=dict)

    def nplurals(self, domain: str) -> int:
        """The catalogue's number of plural forms; 1 when its Plural-Forms header is missing or invalid."""
        catalog = self.catalogs.get(domain)
        forms = catalog.meta("Plural-Forms") if catalog else ""
        if plural_forms_problem(forms) is not None:
            return 1
        return int(_PLURAL_FORMS.match(forms).group(1))

    def __hash__(self) -> int:
        return id(self)


_MISSING = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)


def read_domain(project: Project, data: LocaleCatalogs, domain: str) -> None:
    """Read the locale's PO file of ``domain`` into ``data`` (its catalogue, or its error, and
    its stamp); a file that does not exist leaves only its path."""
    path, display = project.po_location(data.locale, domain)
    data.paths[domain] = display
    if not project.outside_folder(path):
        # The usual file, in a folder of locales/: opened refusing a link (which the careful way
        # below judges), with no stat and no link test before it (two system calls a file).
        try:
            read, stamp = read_stamped(path, READ_NO_LINK)
        except OSError as exc:
            if exc.errno in (errno.ENOENT, errno.ENOTDIR):
                return
        else:
            try:
                data.catalogs[domain] = parse_po(read, display)
            except CatalogError as exc:
                data.errors[domain] = exc
            else:
                data.stamps[domain] = stamp
            return
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno in _MISSING:  # what Path.exists() reads as no file; anything else is raised
            return
        raise
    try:
        _refuse_outside(project, path, display)
        data.catalogs[domain], data.stamps[domain] = read_po_stamped(path, display)
    except CatalogError as exc:
        data.errors[domain] = exc


def forget_domain(data: LocaleCatalogs, domain: str) -> None:
    """Let go of what :func:`read_domain` read (its path and stamp stay: they are small)."""
    data.catalogs.pop(domain, None)
    data.errors.pop(domain, None)


def read_locale(project: Project, locale: Locale, domains: tuple[str, ...]) -> LocaleCatalogs:
    """Read every PO file of ``locale`` for ``domains``; parse errors are kept, not raised."""
    data = LocaleCatalogs(locale)
    for domain in domains:
        read_domain(project, data, domain)
    glossary_path = project.locale_dir(locale) / "glossary.yaml"
    if glossary_path.exists():
        try:
            from pipeline.glossary import load_glossary

            glossary = load_glossary(glossary_path, project.display(glossary_path))
        except PipelineError as exc:
            return LocaleCatalogs(locale, data.catalogs, data.errors, data.paths, None, exc, data.stamps)
        return LocaleCatalogs(locale, data.catalogs, data.errors, data.paths, glossary, None, data.stamps)
    return data


def _refuse_outside(project: Project, path, display: str) -> None:
    """A catalogue reached through a link to somewhere outside ``locales/`` is not read."""
    if project.outside_locales(path):
        raise CatalogError("the catalogue is a link to a file outside locales/: not read", path=display,
                           hint="replace the link with the PO file itself")


# ------------------------------------------------------------------ what the checks cannot judge

# gettext's header: "nplurals=N; plural=EXPRESSION;" (the final ';' optional, as msgfmt allows).
_PLURAL_FORMS = re.compile(r"^\s*nplurals\s*=\s*([0-9]+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*$", re.S)
# No language has more (CLDR: Arabic and Welsh have six).
MAX_PLURAL_FORMS = 6


@lru_cache(maxsize=256)
def plural_forms_problem(value: str) -> str | None:
    """What is wrong with a Plural-Forms header value, in words; None when msgfmt would accept it.

    Like ``msgfmt --check-header``: the shape, a C expression in ``n``, and a form index
    below nplurals for every n (checked for 0 to 1,000).
    """
    if not value.strip():
        return "the header has no Plural-Forms"
    match = _PLURAL_FORMS.match(value)
    if match is None:
        return f"Plural-Forms '{_shorten(value)}' is not 'nplurals=N; plural=EXPRESSION;'"
    count = int(match.group(1))
    if not 1 <= count <= MAX_PLURAL_FORMS:
        return f"Plural-Forms says nplurals={count}; a language has 1 to {MAX_PLURAL_FORMS} plural forms"
    import gettext

    try:
        plural = gettext.c2py(match.group(2))
    except (ValueError, RecursionError, SyntaxError):
        return f"Plural-Forms expression '{_shorten(match.group(2))}' is not a valid C expression in n"
    for n in range(1001):
        try:
            form = int(plural(n))
        except (ArithmeticError, ValueError, RecursionError):
            return f"Plural-Forms expression '{_shorten(match.group(2))}' cannot be computed for n={n}"
        if not 0 <= form < count:
            return (f"Plural-Forms expression '{_shorten(match.group(2))}' gives form {form} for n={n}, "
                    f"but nplurals={count}")
    return None


def _shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    if not text.isprintable():  # a terminal escape in a msgid must not reach the terminal
        text = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def stray_entries(sources: Sources, catalog: Catalog, domain: str) -> list[Entry]:
    """Active entries whose (msgctxt, msgid) is no English message of ``domain``: never shown.

    Either the English changed and ``pipeline update`` has not run, or a translator edited
    a msgid. ``update`` turns each into a fuzzy match for the new English or an obsolete
    entry, so the translation is kept either way.
    """
    keys = sources.domain_keys(domain)
    if catalog.index().keys() <= keys:  # the usual catalogue: one set comparison, in C (its index
        return []  # is the gate's, made once)
    return [entry for entry in catalog.active if entry.key not in keys]


def closest_stray(strays: list[Entry], message: Message) -> Entry | None:
    """The stray entry of the same section most like ``message``: where its edited msgid probably is."""
    import difflib

    best, best_score = None, 0.6  # msgmerge's fuzzy threshold
    for entry in strays:
        if (entry.msgctxt or "") != message.context:
            continue
        score = difflib.SequenceMatcher(None, message.text, entry.msgid, autojunk=False).ratio()
        if score >= best_score:
            best, best_score = entry, score
    return best


def catalog_problems(project: Project, sources: Sources, data: LocaleCatalogs) -> list[Problem]:
    """Warnings about catalogues that were read: entries that match no English, and the Plural-Forms header.

    Neither blocks anything by itself (the gate counts a message whose entry is missing);
    ``check`` and ``build`` print them with the line to look at.
    """
    problems: list[Problem] = []
    for domain in sorted(data.catalogs):
        catalog = data.catalogs[domain]
        path = data.paths[domain]
        problem = plural_forms_problem(catalog.meta("Plural-Forms"))
        if problem is not None:
            po = project.po_path(data.locale, domain)
            line = header_line(po, "Plural-Forms") or header_line(po) or 1
            from pipeline.translations import plural_forms

            needed = ("no message needs it yet, but a plural one would be blocked"
                      if not any(e.msgid_plural for e in catalog.active) else "its plural messages are blocked")
            problems.append(Problem(f"{problem} ({needed})", path, line,
                                    f'for {data.locale.tag} write "Plural-Forms: {plural_forms(data.locale)}\\n"'))
        for entry in stray_entries(sources, catalog, domain):
            where = f" (msgctxt '{entry.msgctxt}')" if entry.msgctxt is not None else ""
            problems.append(Problem(
                f"entry '{_shorten(entry.msgid)}'{where} matches no English text in the source: it is ignored",
                path, entry.line or None,
                "if the msgid was edited, restore it: only the msgstr is yours to change; 'pipeline update' "
                "turns this entry into a fuzzy match or an obsolete one, keeping the translation"))
    return problems


def _oversized(entry: Entry) -> str | None:
    return oversized(entry.msgid, entry.msgid_plural, (entry.msgstr, *entry.msgstr_plural))


_new_unit = maker(Unit)  # a unit for each of 700,000 translations a cold build checks


def unit_for(message: Message, entry: Entry, data: LocaleCatalogs, required: bool, domain: str,
             nplurals: int | None = None) -> Unit:
    return _new_unit(
        source=entry.msgid,
        translation=entry.msgstr,
        locale=data.locale,
        context=entry.msgctxt or "",
        role=message.role,
        required=required,
        source_plural=entry.msgid_plural,
        translations=entry.msgstr_plural,
        nplurals=data.nplurals(domain) if nplurals is None else nplurals,
        flags=entry.flags,
        glossary=data.glossary,
    )


def check_domain(sources: Sources, data: LocaleCatalogs, domain: str, config: Config,
                 policy: CheckPolicy, errors_only: bool = False) -> dict[tuple[str, str], list[Finding]]:
    """Findings for each source message of ``domain`` that has a translation, by (msgctxt, msgid).

    ``errors_only``: only what can block or make a message fall back (the build's need).
    """
    catalog = data.catalogs.get(domain)
    if catalog is None:
        return {}
    index = catalog.index()
    path = data.paths[domain]
    # _unchecked below has applied `size` to every message already: it is not run twice.
    required_plan = plan_checks(policy.disabled, {}, errors_only, without=frozenset({"size"}))
    other_plan = plan_checks(policy.disabled, {check_id: "warning" for check_id in policy.downgraded}, errors_only,
                             without=frozenset({"size"}))
    nplurals = data.nplurals(domain)
    results: dict[tuple[str, str], list[Finding]] = {}
    todo: list[tuple[Message, Entry, bool]] = []
    texts: list[str] = []
    for message in sources.domain_messages(domain):
        if message.key in results:
            continue
        entry = index.get(message.key)
        if entry is None or not entry.has_text:
            continue
        guard = _unchecked(entry, catalog, path)
        if guard is not None:
            results[message.key] = [guard]
            continue
        results[message.key] = []  # its place in the order; its findings come below
        todo.append((message, entry, message.role in config.required_roles))
        texts.extend((entry.msgid, entry.msgid_plural, entry.msgstr, *entry.msgstr_plural))
    # The checks that could find something in this catalogue at all (pipeline.checks.Screen).
    batch = Batch("\n".join(texts), any(entry.msgid_plural for _, entry, _ in todo), data.glossary)
    required_plan, other_plan = screened(required_plan, batch), screened(other_plan, batch)
    for message, entry, required in todo:
        plan = required_plan if required else other_plan
        if plan:
            unit = unit_for(message, entry, data, required, domain, nplurals)
            results[message.key] = run_checks(unit, path=path, line=entry.line, plan=plan)
    return results


def _unchecked(entry: Entry, catalog: Catalog, path: str) -> Finding | None:
    """An error finding for an entry the checks cannot judge (and must not run on), or None.

    Always applied, whatever the policy disables: a translation of megabytes, or a
    plural message in a catalogue whose Plural-Forms header is missing or invalid.
    """
    if not entry.msgid_plural and not entry.msgstr_plural and len(entry.msgstr) <= MAX_TRANSLATION_CHARS:
        return None  # most entries: a singular translation the length of an article's text
    oversized = _oversized(entry)
    if oversized is not None:
        return Finding("size", ERROR, oversized, path, entry.line, entry.msgctxt or "", entry.msgid)
    if entry.msgid_plural:
        problem = plural_forms_problem(catalog.meta("Plural-Forms"))
        if problem is not None:
            message = f"{problem}: the plural forms of this message cannot be checked; fix the header"
        else:
            # The source format has no plural messages: msgstr is what a page would show.
            message = ("the English of this message has no plural; write the translation in msgstr, "
                       "without msgid_plural and msgstr[n]")
        return Finding("plurals", ERROR, message, path, entry.line, entry.msgctxt or "", entry.msgid)
    return None
