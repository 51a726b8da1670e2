"""``pipeline build``: write dist/ and say what was published and what was blocked."""

from __future__ import annotations

import os
import sys
from typing import List, Optional

import typer

from pipeline.cli import app
from pipeline.cli.common import project, warn


def _show_progress() -> bool:
    """A progress bar only for a person at a terminal: never in a pipe, a log, or CI."""
    ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    return sys.stderr.isatty() and not ci and os.environ.get("TERM") != "dumb"


@app.command()
def build(
    ctx: typer.Context,
    locale: Optional[List[str]] = typer.Option(None, "--locale", "-l",
                                               help="Build only this locale (repeatable): a shard."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 when any bundle is blocked."),
) -> int:
    """Build the JSON and HTML bundles and dist/manifest.json; blocked bundles are not written."""
    from pipeline.build import build as run

    proj = project(ctx)
    bar = None
    if _show_progress():
        bar = typer.progressbar(length=1, label="building", file=sys.stderr)
        bar.__enter__()

    def progress(done: int, total: int) -> None:
        if bar is not None:
            bar.length = total
            bar.update(done - bar.pos)

    try:
        result = run(proj, locale or None, progress=progress)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    warn(result.problems)
    blocked = result.blocked
    typer.echo(f"{result.published_count} published, {len(blocked)} blocked"
               f" ({result.written_count} files written, {len(result.removed)} removed)")
    for record in blocked:
        reason = record["reasons"][0] if record["reasons"] else {"message": "blocked", "path": "", "line": None}
        where = f"{reason['path']}:{reason['line']}" if reason.get("line") else reason.get("path", "")
        more = len(record["reasons"]) - 1
        extra = f" (+{more} more: pipeline check {record['locale']})" if more > 0 else ""
        typer.echo(f"  blocked {record['locale']} {record['article']}: {where}: {reason['message']}{extra}")
    return 1 if (strict and blocked) else 0
