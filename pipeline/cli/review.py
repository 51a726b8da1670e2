"""``pipeline review``: the clinical review sheet, sign-off (approve, revoke) and its status."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from pipeline.cli import app
from pipeline.cli.common import echo_json, project, sources_and_locales, table, warn

review_app = typer.Typer(
    name="review",
    help="Clinical review: a bilingual sheet for the reviewer, approvals bound to the exact texts "
    "(locales/<ll>/reviews.yaml), and their status. See docs/review.md.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
app.add_typer(review_app, name="review")

ARTICLE_HELP = "One article id, or 'site' for the shared disclaimer and page labels (default: all)."
SECTION_HELP = "One section id, e.g. risks, disclaimer, labels (default: all)."


class Format(str, Enum):
    text = "text"
    json = "json"


def _quote(text: str, limit: int = 60) -> str:
    return '"' + (text if len(text) <= limit else text[: limit - 1] + "…") + '"'


def _locale(proj, tag: str):
    chosen, _ = proj.select_locales([tag])  # refuses a bad tag or a locale with no folder
    return chosen[0]


@review_app.command()
def sheet(
    ctx: typer.Context,
    locale: str = typer.Argument(..., help="The locale to review (pt-BR or pt_BR)."),
    article: Optional[str] = typer.Option(None, "--article", help=ARTICLE_HELP),
    section: Optional[str] = typer.Option(None, "--section", help=SECTION_HELP),
    output: Optional[str] = typer.Option(
        None, "--output", "-o", metavar="FILE",
        help="Where to write the HTML; '-' for standard output "
        "(default: review-<locale>[-<article>][-<section>].html in the current folder)."),
) -> None:
    """Write a self-contained bilingual HTML sheet for a clinical reviewer: required sections first."""
    from pipeline.errors import InputError
    from pipeline.fsutil import write_text_if_changed
    from pipeline.review import make_scope, review_locale
    from pipeline.review.sheet import render_sheet
    from pipeline.source import load_project_sources

    proj = project(ctx)
    sources = load_project_sources(proj)
    chosen = _locale(proj, locale)
    review = review_locale(proj, sources, chosen, make_scope(sources, article, section))
    if review.problems:
        raise InputError(review.problems)
    html = render_sheet(review, sources, article, proj.config.require_review)
    if output == "-":
        typer.echo(html, nl=False)
        return
    name = output or "-".join(["review", chosen.tag, *(x for x in (article, section) if x)]) + ".html"
    write_text_if_changed(Path(name), html)
    counts = review.counts()
    typer.echo(f"wrote {name}: {len(review.items)} messages, {counts['approved']} approved, "
               f"{counts['stale']} changed since approval, {counts['pending']} pending")


@review_app.command()
def approve(
    ctx: typer.Context,
    locale: str = typer.Argument(..., help="The locale whose translations are approved."),
    reviewer: str = typer.Option(..., "--reviewer", metavar='"NAME <EMAIL>"',
                                 help="Who approves: recorded exactly as given."),
    article: Optional[str] = typer.Option(None, "--article", help=ARTICLE_HELP),
    section: Optional[str] = typer.Option(None, "--section", help=SECTION_HELP),
    note: str = typer.Option("", "--note", help="A note kept with each approval (one line)."),
) -> None:
    """Approve every message in scope that is usable now; say what was skipped and why.

    The date is SOURCE_DATE_EPOCH's day (UTC) when it is set, else today. A reviewer who
    is the PO file's Last-Translator, or is named by a '# Translator: Name <email>'
    comment of a message in scope, is refused (exit 2) and nothing is recorded.
    """
    from pipeline.review import approval_date, approve as run, make_scope, parse_reviewer
    from pipeline.source import load_project_sources

    who = parse_reviewer(reviewer)
    date = approval_date()
    proj = project(ctx)
    sources = load_project_sources(proj)
    chosen = _locale(proj, locale)
    result = run(proj, sources, chosen, who, date, make_scope(sources, article, section), note)
    count = len(result.approved)
    typer.echo(f"approved {count} message{'s' if count != 1 else ''} as {result.reviewer} on {result.date} "
               f"({result.ledger_path})")
    if result.superseded:
        typer.echo(f"replaced {result.superseded} earlier approval(s) by {result.reviewer} "
                   "whose texts had changed since")
    for item, why in result.skipped:
        typer.echo(f"skipped {item.location()} [{item.message.context}] {why}: {_quote(item.message.text)}")


@review_app.command()
def revoke(
    ctx: typer.Context,
    locale: str = typer.Argument(..., help="The locale whose approvals are revoked."),
    reviewer: str = typer.Option(..., "--reviewer", metavar='"NAME <EMAIL>"',
                                 help="Whose approvals to remove (matched by e-mail address)."),
    article: Optional[str] = typer.Option(None, "--article", help=ARTICLE_HELP),
    section: Optional[str] = typer.Option(None, "--section", help=SECTION_HELP),
) -> None:
    """Remove a reviewer's approvals in scope (valid or void) from the locale's ledger."""
    from pipeline.review import parse_reviewer, revoke as run
    from pipeline.source import load_project_sources

    who = parse_reviewer(reviewer)
    proj = project(ctx)
    sources = load_project_sources(proj)
    chosen = _locale(proj, locale)
    result = run(proj, sources, chosen, who, article, section)
    count = len(result.removed)
    typer.echo(f"revoked {count} approval{'s' if count != 1 else ''} by {who} ({result.ledger_path})")


@review_app.command()
def status(
    ctx: typer.Context,
    locales: Optional[List[str]] = typer.Argument(None, help="Locales to show (default: every locale)."),
    fmt: Format = typer.Option(Format.text, "--format", help="text (a table) or json."),
) -> None:
    """Approved, stale (changed since approval) and pending messages per locale and section."""
    from pipeline.review import review_locale, section_counts, status_json

    proj, sources, chosen = sources_and_locales(ctx, locales)
    reviews = [review_locale(proj, sources, locale) for locale in chosen]
    for review in reviews:
        warn(review.problems)
    config = proj.config
    if fmt is Format.json:
        echo_json(status_json(reviews, config.require_review, config.min_approvals))
        return
    if not reviews:
        typer.echo("no locales yet: create one with 'pipeline init LOCALE'")
        return
    body = [[s.locale, s.domain, s.section + (" *" if s.required else ""), str(s.approved), str(s.stale),
             str(s.pending), str(s.total)] for r in reviews for s in section_counts(r)]
    typer.echo(table(["locale", "domain", "section", "approved", "stale", "pending", "total"], body))
    typer.echo("* required section; stale: approved once, but the English or the translation changed since")
    if config.require_review:
        need = "an approval" if config.min_approvals == 1 else f"{config.min_approvals} approvals by distinct reviewers"
        typer.echo(f"policy: each message of a required section needs {need} to be published")
    else:
        typer.echo("policy: review is recorded but not required for publication (require_review = false)")
    for review in reviews:
        if review.orphaned:
            typer.echo(f"{review.ledger.path}: {len(review.orphaned)} approval record(s) match no current message")
