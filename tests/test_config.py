"""The policy in ``[tool.pipeline]`` of the content root's pyproject.toml: defaults, values and errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.errors import ConfigError

KNOWN = "  hint: known settings: checks, coverage_threshold, min_approvals, require_review, required_roles"


def write(root: Path, text: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(text)
    return root


def summary(root: Path) -> tuple:
    config = load_config(root)
    return (config.root, sorted(config.required_roles), config.coverage_threshold, config.require_review,
            config.min_approvals, config.checks)


def test_defaults_without_pyproject(tmp_path: Path) -> None:
    assert summary(tmp_path) == (tmp_path, ["disclaimer", "risks"], 80.0, False, 1, {})


def test_defaults_without_the_table(tmp_path: Path) -> None:
    root = write(tmp_path, '[project]\nname = "patient-articles"\n')
    assert summary(root) == (root, ["disclaimer", "risks"], 80.0, False, 1, {})


def test_the_shipped_policy(shipped_root: Path) -> None:
    assert summary(shipped_root)[1:3] == (["disclaimer", "risks"], 80.0)


def test_every_setting(tmp_path: Path) -> None:
    root = write(tmp_path, (
        "[tool.pipeline]\n"
        'required_roles = ["disclaimer", "risks", "dosage"]\n'
        "coverage_threshold = 95.5\n"
        "require_review = true\n"
        "min_approvals = 2\n"
        "[tool.pipeline.checks]\n"
        'numbers = "warning"\n'))
    assert summary(root) == (root, ["disclaimer", "dosage", "risks"], 95.5, True, 2, {"numbers": "warning"})
    assert load_config(root).checks_line == 6


@pytest.mark.parametrize(("text", "lines"), [
    ("[tool.pipeline\n", [
        "pyproject.toml:1: error: invalid TOML: Expected ']' at the end of a table declaration (at line 1, column 15)"]),
    ("[tool.pipeline]\nrequired_roles = [\"disclaimer\", \"risks\"]\nrequire_reveiw = true\n", [
        "pyproject.toml:3: error: unknown setting 'require_reveiw' in [tool.pipeline]", KNOWN]),
    ('[tool.pipeline]\nrequired_roles = "risks"\n', [
        'pyproject.toml:2: error: [tool.pipeline] required_roles: must be a list of role ids, '
        'e.g. ["disclaimer", "risks"]']),
    ('[tool.pipeline]\nrequired_roles = ["disclaimer", "Risks"]\n', [
        'pyproject.toml:2: error: [tool.pipeline] required_roles: must be a list of role ids, '
        'e.g. ["disclaimer", "risks"]']),
    ('[tool.pipeline]\nrequired_roles = ["risks"]\n', [
        "pyproject.toml:2: error: [tool.pipeline] required_roles: must include 'disclaimer': "
        "the medical disclaimer is always gated"]),
    ("[tool.pipeline]\ncoverage_threshold = 120\n", [
        "pyproject.toml:2: error: [tool.pipeline] coverage_threshold: must be a percentage from 0 to 100"]),
    ("[tool.pipeline]\ncoverage_threshold = true\n", [
        "pyproject.toml:2: error: [tool.pipeline] coverage_threshold: must be a percentage from 0 to 100"]),
    ('[tool.pipeline]\nrequire_review = "yes"\n', [
        "pyproject.toml:2: error: [tool.pipeline] require_review: must be true or false"]),
    ("[tool.pipeline]\nmin_approvals = 0\n", [
        "pyproject.toml:2: error: [tool.pipeline] min_approvals: must be a whole number, 1 or more"]),
    ("[tool.pipeline]\nchecks = 3\n", [
        "pyproject.toml:2: error: [tool.pipeline] checks: must be a table"]),
    ("[tool]\npipeline = 3\n", ["pyproject.toml:2: error: [tool.pipeline] must be a table"]),
    ("tool = 3\n", ["pyproject.toml: error: [tool.pipeline] must be a table"]),
])
def test_bad_settings_through_the_cli(text: str, lines: list[str], source_root: Path, cli) -> None:
    write(source_root, text)
    result = cli("extract", root=source_root)
    assert (result.exit_code, result.stdout, result.stderr.splitlines()) == (2, "", lines)


def test_the_error_is_a_config_error(tmp_path: Path) -> None:
    root = write(tmp_path, "[tool.pipeline]\nmin_approvals = 0\n")
    with pytest.raises(ConfigError) as caught:
        load_config(root)
    assert (caught.value.path, caught.value.line, caught.value.exit_code) == ("pyproject.toml", 2, 2)
