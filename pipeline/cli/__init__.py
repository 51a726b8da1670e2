"""The command line: ``pipeline`` (also ``python -m pipeline``).

A thin layer: each command parses its arguments, calls one core function, renders the
result and picks the exit code. :func:`main` is the one error boundary that turns the
project's errors into ``path:line: error: message`` lines and exit code 2.
"""

from __future__ import annotations

import sys

import typer

from pipeline.errors import PipelineError

app = typer.Typer(
    name="pipeline",
    help="Localization pipeline for patient-information articles: "
    "source/ (English YAML) -> locales/ (gettext) -> checks and the safety gate -> dist/.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def _root(
    ctx: typer.Context,
    root: str = typer.Option(".", "--root", metavar="PATH", help="The content root (default: the current folder)."),
) -> None:
    ctx.obj = {"root": root}


# Command modules register themselves on `app` when imported.
from pipeline.cli import catalogs as _catalogs  # noqa: E402,F401
from pipeline.cli import check as _check  # noqa: E402,F401
from pipeline.cli import build as _build  # noqa: E402,F401
from pipeline.cli import manifest as _manifest  # noqa: E402,F401
from pipeline.cli import review as _review  # noqa: E402,F401


def report_error(error: PipelineError) -> None:
    for problem in error.problems:
        typer.echo(problem.format(), err=True)
        if problem.hint:
            typer.echo(f"  hint: {problem.hint}", err=True)


def main(argv: list[str] | None = None) -> None:
    """Run the command line; every exit goes through here with a code from PRODUCT.md."""
    try:
        result = app(args=argv, prog_name="pipeline", standalone_mode=False)
    except PipelineError as error:
        report_error(error)
        sys.exit(error.exit_code)
    except typer.TyperException as error:  # Typer's (Click's) usage errors: exit 2
        error.show()
        sys.exit(error.exit_code)
    except typer.Exit as error:
        sys.exit(error.exit_code)
    except typer.Abort:
        typer.echo("Aborted.", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("Interrupted.", err=True)
        sys.exit(130)
    except OSError as error:
        # The file system refused a read or a write that no input check foresaw: a file where the
        # pipeline needs a folder (dist/, .pipeline-cache/), no permission, a full disk. What was
        # written before stays consistent: every write is atomic, and the manifest stops listing
        # a bundle before its files change (docs/faults.md).
        report_error(_os_error(error))
        sys.exit(2)
    sys.exit(result if isinstance(result, int) else 0)


def _os_error(error: OSError) -> PipelineError:
    import os

    path = error.filename2 if error.filename2 is not None else error.filename  # a rename: where it went
    if path is not None:
        path = os.fsdecode(path)
        relative = os.path.relpath(path)
        path = relative if not relative.startswith("..") else path
    return PipelineError(f"the file system refused it: {error.strerror or error}", path=path,
                         hint="a file where a folder belongs, a folder that cannot be written, or a full disk: "
                              "fix that and run the command again")
