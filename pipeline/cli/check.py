"""``pipeline check``: QA findings and the gate's verdict per bundle."""

from __future__ import annotations

from enum import Enum
from typing import List, Optional

import typer

from pipeline.cli import app
from pipeline.cli.common import sources_and_locales, warn


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"


@app.command()
def check(
    ctx: typer.Context,
    locales: Optional[List[str]] = typer.Argument(None, help="Locales to check (default: every locale)."),
    fmt: CheckFormat = typer.Option(CheckFormat.text, "--format", help="text, json or github (annotations)."),
    list_checks: bool = typer.Option(False, "--list", help="List the checks and exit, without running any."),
) -> int:
    """Run the QA checks and the safety gate; exit 1 when a bundle is blocked."""
    if list_checks:
        from pipeline.checks import all_checks

        for chk in all_checks():
            typer.echo(f"{chk.id:<22} {chk.severity:<8} {chk.description}")
        return 0
    from pipeline.gate import evaluate_locale
    from pipeline.report import github_report, json_report, text_report
    from pipeline.review import approvals_for

    proj, sources, chosen = sources_and_locales(ctx, locales)
    reports = [evaluate_locale(proj, sources, locale, approvals_for(proj, locale)) for locale in chosen]
    for report in reports:
        warn(report.problems)
    if fmt is CheckFormat.json:
        typer.echo(json_report(reports), nl=False)
    else:
        render = github_report if fmt is CheckFormat.github else text_report
        for line in render(reports):
            typer.echo(line)
    blocked = any(not v.published for r in reports for v in r.verdicts)
    return 1 if blocked else 0
