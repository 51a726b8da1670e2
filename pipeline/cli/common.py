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


def scanned_sources(ctx: typer.Context, locales: list[str] | None):
    """:func:`sources_and_locales` for a command that runs a locale a job and loads the articles
    one at a time: ``source/`` validated, each article put in the parse cache and let go
    (:class:`pipeline.source.ScannedSources`)."""
    from pipeline.buildstate import parse_cache
    from pipeline.source import ScannedSources, scan_sources

    proj = project(ctx)
    roles = proj.config.required_roles
    parsed = parse_cache(proj.root)
    try:
        site, found, digest = scan_sources(proj.root, roles, parsed)
    finally:
        parsed.flush()
    scanned = ScannedSources(proj.root, site, digest, tuple((f.id, f.path) for f in found),
                             {f.id: f.key for f in found}, roles)
    chosen, problems = proj.select_locales(locales or [])
    warn(problems)
    return proj, scanned, chosen


def warn(problems: Iterable[Problem]) -> None:
    for problem in problems:
        typer.echo(problem.warning(), err=True)


def echo_json(data: object) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A plain, aligned text table (numbers right-aligned)."""
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows)]
    return "\n".join([_line(headers, widths), _line(["-" * w for w in widths], widths),
                      *(_line(r, widths) for r in rows)])


def _line(cells: list[str], widths: list[int]) -> str:
    out = []
    for cell, width in zip(cells, widths):
        text = str(cell)
        out.append(text.rjust(width) if text.replace(".", "").replace("%", "").isdigit() else text.ljust(width))
    return "  ".join(out).rstrip()


class SpooledTable:
    """:func:`table` echoed a row at a time, for more rows than are worth holding: each row
    added is measured for the column widths and spooled to a temporary file, then read back
    aligned by :meth:`echo`. ``pipeline status`` at 1,000 articles x 20 locales has 320,080
    rows; held whole, with their cells, they grew with the corpus (docs/performance.md). A
    cell is one line without a tab (ids and numbers).
    """

    CHUNK = 1000  # rows echoed at once: click.echo flushes its stream at every call

    def __init__(self, headers: list[str]) -> None:
        self.headers = headers
        self.widths = [len(h) for h in headers]
        self.rows = 0
        self._spool = None

    def add(self, cells: list[str]) -> None:
        if self._spool is None:
            import tempfile

            self._spool = tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n")
        self.widths = [max(width, len(cell)) for width, cell in zip(self.widths, cells)]
        self._spool.write("\t".join(cells) + "\n")
        self.rows += 1

    def echo(self) -> None:
        """Echo the table: the same text :func:`table` gives for the same rows."""
        chunk = [_line(self.headers, self.widths), _line(["-" * w for w in self.widths], self.widths)]
        if self._spool is not None:
            self._spool.seek(0)
            for row in self._spool:
                chunk.append(_line(row[:-1].split("\t"), self.widths))
                if len(chunk) == self.CHUNK:
                    typer.echo("\n".join(chunk))
                    chunk = []
        if chunk:
            typer.echo("\n".join(chunk))

    def __enter__(self) -> "SpooledTable":
        return self

    def __exit__(self, *exc) -> None:
        if self._spool is not None:
            self._spool.close()
            self._spool = None
