"""Render what ``check`` found: text for people, JSON for machines, GitHub annotations for CI.

Building the text is kept apart from printing it (the CLI prints), so every format is a
pure function that the tests can compare line by line.
"""

from __future__ import annotations

import json

from pipeline.gate import LocaleReport

JSON_SCHEMA_VERSION = 1


def text_report(reports: list[LocaleReport]) -> list[str]:
    """``path:line: severity [check] message`` lines, then the gate's verdict per bundle."""
    lines: list[str] = []
    for report in reports:
        lines.extend(f.format() for f in report.all_findings())
    published = blocked = 0
    for report in reports:
        for verdict in report.verdicts:
            cov = verdict.coverage
            head = (f"{verdict.locale} {verdict.article}: {verdict.status.upper()} "
                    f"(coverage {cov.percent:g}%, {cov.fallback} fallback to English, {verdict.review_state})")
            lines.append(head)
            for reason in verdict.reasons:
                lines.append(f"  {reason.format()}")
            if verdict.published:
                published += 1
            else:
                blocked += 1
    lines.append(f"{published} published, {blocked} blocked")
    return lines


def json_report(reports: list[LocaleReport]) -> str:
    """The machine-readable report (documented in docs/check-report.md)."""
    data = {
        "schema_version": JSON_SCHEMA_VERSION,
        "warnings": [{"path": p.path, "line": p.line, "message": p.message, "hint": p.hint}
                     for r in reports for p in r.problems],
        "findings": [f.to_json() for r in reports for f in r.all_findings()],
        "bundles": [v.to_json() for r in reports for v in r.verdicts],
        "summary": {
            "published": sum(v.published for r in reports for v in r.verdicts),
            "blocked": sum(not v.published for r in reports for v in r.verdicts),
        },
    }
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _escape_data(text: str) -> str:
    # GitHub's workflow-command escaping (toolkit's escapeData / escapeProperty).
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_report(reports: list[LocaleReport]) -> list[str]:
    """GitHub Actions workflow commands: an annotation on each failing PO line."""
    lines: list[str] = []
    for report in reports:
        for problem in report.problems:  # a file the gate could not fully read: a stray entry, a bad header
            where = f"file={_escape_property(problem.path or '')}" + (f",line={problem.line}" if problem.line else "")
            lines.append(f"::warning {where}::{_escape_data(problem.message)}")
        for f in report.all_findings():
            level = "error" if f.severity == "error" else "warning"
            lines.append(f"::{level} file={_escape_property(f.path)},line={f.line},"
                         f"title={_escape_property(f'[{f.check}]')}::{_escape_data(f.message)}")
        for verdict in report.verdicts:
            for reason in verdict.reasons:
                where = f"file={_escape_property(reason.path)}" + (f",line={reason.line}" if reason.line else "")
                title = _escape_property(f"{verdict.locale} {verdict.article} blocked [{reason.rule}]")
                lines.append(f"::error {where},title={title}::{_escape_data(reason.message)}")
    return lines
