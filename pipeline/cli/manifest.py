"""``pipeline manifest merge``: one dist/ from the dist/ folders of sharded builds."""

from __future__ import annotations

from pathlib import Path
from typing import List

import typer

from pipeline.cli import app

manifest_app = typer.Typer(help="Work with dist/manifest.json: merge the outputs of sharded builds.",
                           no_args_is_help=True)
app.add_typer(manifest_app, name="manifest")


@manifest_app.command("merge")
def merge(
    shards: List[Path] = typer.Argument(..., metavar="SHARD...", help="dist/ folders of 'pipeline build --locale'."),
    out: Path = typer.Option(Path("dist"), "--out", "-o", help="Where to write the merged dist/ (default: dist)."),
) -> None:
    """Merge sharded builds: check they match, copy their files, re-render switchers, write the manifest."""
    from pipeline.shards import merge_shards

    result = merge_shards(shards, out)
    published = sum(1 for r in result.bundles if r["status"] == "published")
    typer.echo(f"{published} published, {len(result.bundles) - published} blocked "
               f"({len(result.written)} files written) in {out}")
