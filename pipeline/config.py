"""The project's policy: ``[tool.pipeline]`` in the content root's ``pyproject.toml``.

Every key is optional; ``docs/configuration.md`` documents them. Unknown keys are refused
(a misspelt ``require_reveiw`` must not silently leave review off).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError

DEFAULT_REQUIRED_ROLES = ("disclaimer", "risks")


@dataclass(frozen=True)
class Config:
    root: Path
    required_roles: frozenset[str] = frozenset(DEFAULT_REQUIRED_ROLES)
    coverage_threshold: float = 80.0
    require_review: bool = False
    min_approvals: int = 1
    # Raw per-check settings, validated by pipeline.checks (it knows the check ids).
    checks: dict[str, Any] = field(default_factory=dict)
    checks_line: int | None = None
    text: str = field(default="", repr=False, compare=False)  # pyproject.toml, to locate settings

    def line_of(self, *needles: str) -> int | None:
        """The first line of pyproject.toml holding every one of ``needles``."""
        for number, line in enumerate(self.text.splitlines(), start=1):
            if all(n in line for n in needles):
                return number
        return self.checks_line


def _key_line(text: str, key: str) -> int | None:
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=", re.M)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def load_config(root: Path) -> Config:
    """Read the policy of the content root ``root``; defaults when there is no pyproject.toml."""
    path = root / "pyproject.toml"
    if not path.is_file():
        return Config(root)
    display = "pyproject.toml"
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise ConfigError(f"invalid TOML: {exc}", path=display,
                          line=int(match.group(1)) if match else None) from None
    tool = data.get("tool", {})  # "tool = 3" is valid TOML, and must not become a traceback
    table = tool.get("pipeline", {}) if isinstance(tool, dict) else tool
    if not isinstance(table, dict):
        raise ConfigError("[tool.pipeline] must be a table", path=display, line=_key_line(text, "pipeline"))
    known = {"required_roles", "coverage_threshold", "require_review", "min_approvals", "checks"}
    for key in sorted(table):
        if key not in known:
            raise ConfigError(f"unknown setting '{key}' in [tool.pipeline]", path=display,
                              line=_key_line(text, key), hint=f"known settings: {', '.join(sorted(known))}")

    def fail(key: str, message: str) -> ConfigError:
        return ConfigError(f"[tool.pipeline] {key}: {message}", path=display, line=_key_line(text, key))

    roles = table.get("required_roles", list(DEFAULT_REQUIRED_ROLES))
    if not isinstance(roles, list) or not all(isinstance(r, str) and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r)
                                              for r in roles):
        raise fail("required_roles", "must be a list of role ids, e.g. [\"disclaimer\", \"risks\"]")
    if "disclaimer" not in roles:
        raise fail("required_roles", "must include 'disclaimer': the medical disclaimer is always gated")
    threshold = table.get("coverage_threshold", 80)
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 <= threshold <= 100:
        raise fail("coverage_threshold", "must be a percentage from 0 to 100")
    require_review = table.get("require_review", False)
    if not isinstance(require_review, bool):
        raise fail("require_review", "must be true or false")
    min_approvals = table.get("min_approvals", 1)
    if isinstance(min_approvals, bool) or not isinstance(min_approvals, int) or min_approvals < 1:
        raise fail("min_approvals", "must be a whole number, 1 or more")
    checks = table.get("checks", {})
    if not isinstance(checks, dict):
        raise fail("checks", "must be a table")
    checks_line = _key_line(text, "checks")
    if checks_line is None and "[tool.pipeline.checks" in text:
        checks_line = text[: text.index("[tool.pipeline.checks")].count("\n") + 1
    return Config(root, frozenset(roles), float(threshold), require_review, min_approvals, checks,
                  checks_line, text)
