"""The project's own errors.

Every error carries ``path``, ``line`` and ``hint`` as attributes so that the one error
boundary in :mod:`pipeline.cli` can print ``path:line: error: message`` and pick the exit
code from the class, as Click does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can."""

    message: str
    path: str | None = None
    line: int | None = None
    hint: str | None = None

    def location(self) -> str:
        if self.path is None:
            return ""
        if self.line is None:
            return f"{self.path}: "
        return f"{self.path}:{self.line}: "

    def format(self) -> str:
        return f"{self.location()}error: {self.message}"

    def warning(self) -> str:
        """The problem as the commands print a warning: the located message, then the hint."""
        return f"{self.location()}warning: {self.message}" + (f"\n  hint: {self.hint}" if self.hint else "")


class PipelineError(Exception):
    """Base class: bad input or usage. Exit code 2."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = None if path is None else str(path)
        self.line = line
        self.hint = hint

    @property
    def problems(self) -> tuple[Problem, ...]:
        return (Problem(self.message, self.path, self.line, self.hint),)

    def __str__(self) -> str:
        return "\n".join(p.format() for p in self.problems)


class UsageError(PipelineError):
    """A command was called wrongly (a bad locale tag, a missing locale...)."""


class ConfigError(PipelineError):
    """``[tool.pipeline]`` in the content root's pyproject.toml is invalid."""


class CatalogError(PipelineError):
    """A PO or POT file cannot be read."""


class InputError(PipelineError):
    """Several problems with the input, reported together rather than one run at a time."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        problems = tuple(problems)
        first = problems[0]
        super().__init__(first.message, path=first.path, line=first.line, hint=first.hint)
        self._problems = problems

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self._problems


class SourceError(InputError):
    """The English source is invalid: holds every problem found, not only the first."""
