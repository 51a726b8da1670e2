"""Helpers shared by the commands: the project, locale arguments, warnings, JSON output."""

from __future__ import annotations

import json
from collections.abc import Iterable

import typer

from pipeline.errors import Problem
from pipeline.project import Project


def project(ctx: typer.Context) -> Project:
    return Project.open(ctx.obj["root"] if ctx.obj else ".")


def sources_and_locales(ctx: typer.Context, locales: list[str] | None):
    """The project, its validated English source and the locales named (default: every one on
    disk, each folder that is not a locale reported as a warning): what most commands start with."""
    from pipeline.source import load_project_sources

    proj = project(ctx)
    sources = load_project_sources(proj)
    chosen, problems = proj.select_locales(locales or [])
    warn(problems)
    return proj, sources, chosen


def warn(problems: Iterable[Problem]) -> None:
    for problem in problems:
        typer.echo(f"{problem.location()}warning: {problem.message}", err=True)
        if problem.hint:
            typer.echo(f"  hint: {problem.hint}", err=True)


def echo_json(data: object) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A plain, aligned text table (numbers right-aligned)."""
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows)]
    def line(cells: list[str]) -> str:
        out = []
        for cell, width in zip(cells, widths):
            text = str(cell)
            out.append(text.rjust(width) if text.replace(".", "").replace("%", "").isdigit() else text.ljust(width))
        return "  ".join(out).rstrip()
    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])
