"""Run the QA checks over a locale's catalogues, with the project's check policy.

The bridge between catalogues and :mod:`pipeline.checks`: it reads a locale once (its PO
files and glossary), turns each translated entry of a source message into a
:class:`~pipeline.checks.Unit`, and applies ``[tool.pipeline.checks]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.catalog import Catalog, Entry, read_po
from pipeline.checks import ERROR, REGISTRY, Finding, Unit, run_checks
from pipeline.config import Config
from pipeline.errors import CatalogError, ConfigError, PipelineError
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

    def nplurals(self, domain: str) -> int:
        catalog = self.catalogs.get(domain)
        forms = catalog.meta("Plural-Forms") if catalog else ""
        for part in forms.split(";"):
            name, _, value = part.strip().partition("=")
            if name.strip() == "nplurals" and value.strip().isdigit():
                return int(value)
        return 1

    def __hash__(self) -> int:
        return id(self)


def read_locale(project: Project, locale: Locale, domains: tuple[str, ...]) -> LocaleCatalogs:
    """Read every PO file of ``locale`` for ``domains``; parse errors are kept, not raised."""
    data = LocaleCatalogs(locale)
    for domain in domains:
        path = project.po_path(locale, domain)
        display = project.display(path)
        data.paths[domain] = display
        if not path.exists():
            continue
        try:
            data.catalogs[domain] = read_po(path, display)
        except CatalogError as exc:
            data.errors[domain] = exc
    glossary_path = project.locale_dir(locale) / "glossary.yaml"
    if glossary_path.exists():
        try:
            from pipeline.glossary import load_glossary

            glossary = load_glossary(glossary_path, project.display(glossary_path))
        except PipelineError as exc:
            return LocaleCatalogs(locale, data.catalogs, data.errors, data.paths, None, exc)
        return LocaleCatalogs(locale, data.catalogs, data.errors, data.paths, glossary, None)
    return data


def unit_for(message: Message, entry: Entry, data: LocaleCatalogs, required: bool, domain: str) -> Unit:
    return Unit(
        source=entry.msgid,
        translation=entry.msgstr,
        locale=data.locale,
        context=entry.msgctxt or "",
        role=message.role,
        required=required,
        source_plural=entry.msgid_plural,
        translations=entry.msgstr_plural,
        nplurals=data.nplurals(domain),
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
    results: dict[tuple[str, str], list[Finding]] = {}
    for message in sources.domain_messages(domain):
        if message.key in results:
            continue
        entry = index.get(message.key)
        if entry is None or not entry.has_text:
            continue
        required = message.role in config.required_roles
        unit = unit_for(message, entry, data, required, domain)
        severities = {}
        if not required:
            severities = {check_id: "warning" for check_id in policy.downgraded}
        results[message.key] = run_checks(unit, path=path, line=entry.line, disabled=policy.disabled,
                                          severities=severities, errors_only=errors_only)
    return results

