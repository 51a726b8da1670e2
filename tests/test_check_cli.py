"""``pipeline check``: output formats, exit codes and the check policy from pyproject.toml."""

from __future__ import annotations

import json

import pytest

from tests.test_gate import RISK_ITEM, prepared
from tests.translate import fill, line_of


@pytest.fixture
def blocked_fr(source_root):
    root = prepared(source_root, "fr", "de")
    po = fill(root, "fr", "discogram", translate=lambda e: None if e.msgid == RISK_ITEM else f"[xx] {e.msgid}")
    return root, line_of(po, RISK_ITEM)


def test_text_report_names_file_line_and_rule_and_exits_1(cli, blocked_fr):
    root, line = blocked_fr
    result = cli("check", "fr", root=root)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-3:] == [
        "fr discogram: BLOCKED (coverage 97.9%, 1 fallback to English, unreviewed)",
        f"  locales/fr/LC_MESSAGES/discogram.po:{line}: blocked [untranslated] untranslated in required "
        f"section 'risks': \"{RISK_ITEM}\"",
        "0 published, 1 blocked",
    ]


def test_publishable_locale_exits_0(cli, blocked_fr):
    root, _ = blocked_fr
    result = cli("check", "de", root=root)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-2:] == [
        "de discogram: PUBLISHED (coverage 100%, 0 fallback to English, unreviewed)",
        "1 published, 0 blocked",
    ]


def test_json_report(cli, blocked_fr):
    root, line = blocked_fr
    result = cli("check", "--format", "json", root=root)
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["schema_version"] == 1
    assert data["summary"] == {"published": 1, "blocked": 1}
    fr = next(b for b in data["bundles"] if b["locale"] == "fr")
    assert fr["reasons"] == [{
        "rule": "untranslated", "check": None, "section": "risks", "line": line,
        "path": "locales/fr/LC_MESSAGES/discogram.po",
        "message": f"untranslated in required section 'risks': \"{RISK_ITEM}\"",
    }]


def test_github_annotations_point_at_the_po_line(cli, blocked_fr):
    root, line = blocked_fr
    result = cli("check", "fr", "--format", "github", root=root)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"::error file=locales/fr/LC_MESSAGES/discogram.po,line={line},title=fr discogram blocked "
        f"[untranslated]::untranslated in required section 'risks': \"{RISK_ITEM}\"",
    ]


UPDATED = "Article last updated on: {date}."


def check_with_a_renamed_placeholder(cli, root):
    """`pipeline check fr` with '{date}' renamed '{datum}' in the update line (not a required section)."""
    po = fill(root, "fr", "site", translate=lambda e: "Mis à jour le {datum}." if e.msgid == UPDATED
              else f"[xx] {e.msgid}")
    return cli("check", "fr", root=root), line_of(po, UPDATED)


def test_findings_are_printed_with_severity_and_check_id(cli, source_root):
    root = prepared(source_root, "fr")
    result, line = check_with_a_renamed_placeholder(cli, root)
    assert result.exit_code == 0
    assert (f"locales/fr/LC_MESSAGES/site.po:{line}: error [placeholders] placeholder '{{date}}' is missing; "
            "the source has it, keep it as written") in result.stdout.splitlines()


def test_list_prints_the_checks_without_running_any(cli, tmp_path):
    result = cli("check", "--list", root=tmp_path)  # not even a content root is needed
    assert result.exit_code == 0
    assert any(line.split()[:2] == ["placeholders", "error"] for line in result.stdout.splitlines())


def test_unknown_locale_and_bad_tag_exit_2(cli, blocked_fr):
    root, _ = blocked_fr
    missing = cli("check", "es", root=root)
    assert missing.exit_code == 2
    assert missing.stderr.splitlines()[0] == "error: no catalogues for locale 'es' (looked in locales/es)"
    bad = cli("check", "x!", root=root)
    assert bad.exit_code == 2
    assert bad.stderr.splitlines()[0] == "error: 'x!' is not a locale tag"
    assert "Traceback" not in missing.stderr + bad.stderr


def test_disabling_an_error_level_check_is_refused(cli, blocked_fr):
    root, _ = blocked_fr
    (root / "pyproject.toml").write_text(
        '[tool.pipeline]\nrequired_roles = ["disclaimer", "risks"]\n\n[tool.pipeline.checks]\n'
        'disable = ["placeholders"]\n', encoding="utf-8")
    result = cli("check", "fr", root=root)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "pyproject.toml:5: error: [tool.pipeline.checks] disable: 'placeholders' is an error-level check and "
        "cannot be disabled: it guards the required sections (disclaimer, risks)",
        "  hint: use downgrade = [\"placeholders\"] to make it a warning outside required sections",
    ]


def test_downgrade_applies_outside_required_sections_only(cli, source_root):
    (source_root / "pyproject.toml").write_text(
        '[tool.pipeline.checks.fr]\ndowngrade = ["placeholders"]\n', encoding="utf-8")
    root = prepared(source_root, "fr")
    result, line = check_with_a_renamed_placeholder(cli, root)
    assert result.exit_code == 0
    assert (f"locales/fr/LC_MESSAGES/site.po:{line}: warning [placeholders] placeholder '{{date}}' is missing; "
            "the source has it, keep it as written") in result.stdout.splitlines()


def test_unknown_check_in_policy_is_refused(cli, blocked_fr):
    root, _ = blocked_fr
    (root / "pyproject.toml").write_text('[tool.pipeline.checks]\ndisable = ["spelling"]\n', encoding="utf-8")
    result = cli("check", "fr", root=root)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "pyproject.toml:2: error: [tool.pipeline.checks] disable: unknown check 'spelling'")


def test_warnings_reach_the_json_report_and_the_annotations(cli, blocked_fr):
    root, _ = blocked_fr
    (root / "locales/fr/reviews.yaml").write_text("approvals: {}\n", encoding="utf-8")
    data = json.loads(cli("check", "fr", "--format", "json", root=root).stdout)
    assert data["warnings"] == [{"path": "locales/fr/reviews.yaml", "line": 1,
                                 "message": "'approvals' must be a list of records",
                                 "hint": "see docs/review.md for the format; 'git log -p' shows how it was changed"}]
    github = cli("check", "fr", "--format", "github", root=root).stdout.splitlines()
    assert github[0] == "::warning file=locales/fr/reviews.yaml,line=1::'approvals' must be a list of records"
