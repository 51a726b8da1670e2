"""A locale's PO files: create them (``init``) and keep them in step with the templates (``update``)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from pipeline.catalog import Catalog, read_po, write_po
from pipeline.merge import merge_catalog
from pipeline.errors import CatalogError, Problem, UsageError
from pipeline.locales import Locale
from pipeline.project import Project

PLACEHOLDER_TRANSLATOR = "FULL NAME <EMAIL@ADDRESS>"


def plural_forms(locale: Locale) -> str:
    from babel.messages.plurals import get_plural

    return get_plural(locale.babel_id).plural_forms


def english_name(locale: Locale) -> str:
    from babel import Locale as BabelLocale

    return BabelLocale.parse(locale.babel_id).get_display_name("en")


def read_templates(project: Project) -> dict[str, Catalog]:
    """Every POT under ``locales/``, by domain; an error when there are none."""
    pots = sorted(project.locales_dir.glob("*.pot")) if project.locales_dir.is_dir() else []
    if not pots:
        raise UsageError("no translation templates in locales/", path="locales",
                         hint="run 'pipeline extract' first")
    return {p.stem: read_po(p, project.display(p)) for p in pots}


def new_catalog(template: Catalog, locale: Locale, domain: str) -> Catalog:
    """An empty PO for ``locale`` from ``template``, with gettext's header conventions."""
    metadata = dict(template.metadata)
    metadata.update({
        "Language-Team": f"{english_name(locale)}",
        "Language": locale.folder,
        "Plural-Forms": plural_forms(locale),
    })
    comment = (f"{english_name(locale)} ({locale.tag}) translation of the '{domain}' domain.\n"
               "Edit with Poedit, Weblate, Lokalize or a text editor; see TRANSLATING.md.")
    return Catalog(template.entries, tuple(metadata.items()), comment, header_fuzzy=False)


def init_locale(project: Project, locale: Locale, force: bool = False) -> list[str]:
    """Create ``locales/<ll>/LC_MESSAGES/<domain>.po`` for every template."""
    folder = project.locale_dir(locale)
    if folder.exists() and not force:
        raise UsageError(f"locale '{locale.tag}' already exists", path=project.display(folder),
                         hint="use 'pipeline update' to refresh it, or --force to start it again from empty")
    written = []
    for domain, template in read_templates(project).items():
        path = project.po_path(locale, domain)
        write_po(path, new_catalog(template, locale, domain))
        written.append(project.display(path))
    return written


@dataclass(frozen=True)
class UpdateResult:
    changed: tuple[str, ...]
    created: tuple[str, ...]
    problems: tuple[Problem, ...]


def update_locales(project: Project, locales: list[Locale]) -> UpdateResult:
    """Merge every template into each locale's PO files; a broken PO file is reported and left alone."""
    templates = read_templates(project)
    changed, created, problems = [], [], []
    for locale in locales:
        for domain, template in templates.items():
            path = project.po_path(locale, domain)
            display = project.display(path)
            if not path.exists():
                write_po(path, new_catalog(template, locale, domain))
                created.append(display)
                continue
            if project.outside_locales(path):
                problems.append(Problem("the catalogue is a link to a file outside locales/: not read", display,
                                        None, "replace the link with the PO file itself"))
                continue
            try:
                catalog = read_po(path, display)
            except CatalogError as exc:
                problems.extend(exc.problems)
                continue
            merged = merge_catalog(template, catalog)
            if not merged.meta("Plural-Forms"):
                merged = merged.with_meta(Plural_Forms=plural_forms(locale))
            if not merged.meta("Language"):
                merged = merged.with_meta(Language=locale.folder)
            if write_po(path, replace(merged, path=display)):
                changed.append(display)
    return UpdateResult(tuple(changed), tuple(created), tuple(problems))
