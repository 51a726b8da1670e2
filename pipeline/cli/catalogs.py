"""Commands over the catalogues: extract, init, update, status."""

from __future__ import annotations

from enum import Enum
from typing import List, Optional

import typer

from pipeline.cli import app
from pipeline.cli.common import SpooledTable, project, scanned_sources, warn


class Format(str, Enum):
    text = "text"
    json = "json"


@app.command()
def extract(ctx: typer.Context) -> None:
    """Extract source/ into one translation template per domain (locales/<domain>.pot)."""
    from pipeline.extract import extract as run

    proj = project(ctx)
    changed = run(proj)
    for path in changed:
        # extract also deletes the template of an article that no longer exists
        typer.echo(f"{'wrote' if (proj.root / path).exists() else 'removed'} {path}")
    if not changed:
        typer.echo("templates are up to date")


@app.command()
def init(
    ctx: typer.Context,
    locale: str = typer.Argument(..., metavar="LOCALE", help="BCP 47 tag (pt-BR) or gettext folder name (pt_BR)."),
    force: bool = typer.Option(False, "--force", help="Start the locale again from empty catalogues."),
) -> None:
    """Create the PO files of a new locale from the templates."""
    from pipeline.locales import parse_locale
    from pipeline.translations import init_locale

    tag = parse_locale(locale)
    for path in init_locale(project(ctx), tag, force=force):
        typer.echo(f"wrote {path}")


@app.command()
def update(
    ctx: typer.Context,
    locales: Optional[List[str]] = typer.Argument(None, metavar="LOCALE",
                                                  help="Locales to update (default: every locale)."),
) -> None:
    """Merge the templates into the PO files: changed English becomes fuzzy, removed English obsolete."""
    from pipeline.translations import update_locales

    proj = project(ctx)
    chosen, problems = proj.select_locales(locales or [])
    warn(problems)
    result = update_locales(proj, chosen)
    for path in result.created:
        typer.echo(f"created {path}")
    for path in result.changed:
        typer.echo(f"updated {path}")
    if not result.created and not result.changed:
        typer.echo("catalogues are up to date")
    if result.problems:
        from pipeline.errors import InputError

        raise InputError(result.problems)


@app.command()
def status(
    ctx: typer.Context,
    locales: Optional[List[str]] = typer.Argument(None, metavar="LOCALE",
                                                  help="Locales to show (default: every locale)."),
    fmt: Format = typer.Option(Format.text, "--format", help="text (a table) or json."),
) -> None:
    """Translated, fuzzy and untranslated messages per locale and section; required sections marked *."""
    import tempfile

    from pipeline.build import run_jobs
    from pipeline.report import echo_json_list, json_item
    from pipeline.status import status_job

    proj, scanned, chosen = scanned_sources(ctx, locales)
    broken = []
    items_written = 0
    # A locale a job, in workers when there are enough bundles, each loading its articles one at
    # a time; its rows are spooled as they arrive, a locale's held at once (320,080 rows at
    # 1,000 articles x 20 locales): the table's aligned when read back, the JSON written an item
    # at a time, the bytes json.dumps gives for the document whole.
    with SpooledTable(["locale", "domain", "section", "translated", "fuzzy", "untranslated", "done"]) as body, \
            tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n") as items:
        jobs = ((proj, scanned, locale) for locale in chosen)
        for _, (found, errors) in run_jobs(status_job, jobs, len(chosen) * len(scanned.articles)):
            broken.extend(errors)
            for r in found:
                if fmt is Format.json:
                    items.write(",\n" + json_item(r.to_json()))
                    items_written += 1
                else:
                    body.add([r.locale, r.domain, r.section + (" *" if r.required else ""), str(r.translated),
                              str(r.fuzzy), str(r.untranslated), f"{r.percent:.1f}%"])
        warn(broken)
        if fmt is Format.json:
            typer.echo('{\n  "locales": ', nl=False)
            echo_json_list(items, items_written, lambda text: typer.echo(text, nl=False))
            typer.echo("\n}")
            return
        if not body.rows:
            typer.echo("no locales yet: create one with 'pipeline init LOCALE'")
            return
        body.echo()
    typer.echo("* required section: publication is blocked until it is complete")
