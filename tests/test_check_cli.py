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


# --------------------------------------------------------------- the report streamed, as it was whole


def _whole_text(reports) -> list[str]:
    """The text report as ``check`` printed it when it held every locale's report (the code
    before pipeline/report.py streamed it), kept here as the reference for the streamed one."""
    lines = [f.format() for report in reports for f in report.all_findings()]
    for report in reports:
        for verdict in report.verdicts:
            cov = verdict.coverage
            lines.append(f"{verdict.locale} {verdict.article}: {verdict.status.upper()} "
                         f"(coverage {cov.percent:g}%, {cov.fallback} fallback to English, {verdict.review_state})")
            lines.extend(f"  {reason.format()}" for reason in verdict.reasons)
    published = sum(v.published for r in reports for v in r.verdicts)
    lines.append(f"{published} published, {sum(len(r.verdicts) for r in reports) - published} blocked")
    return lines


def _whole_json(reports) -> str:
    data = {"schema_version": 1,
            "warnings": [{"path": p.path, "line": p.line, "message": p.message, "hint": p.hint}
                         for r in reports for p in r.problems],
            "findings": [f.to_json() for r in reports for f in r.all_findings()],
            "bundles": [v.to_json() for r in reports for v in r.verdicts],
            "summary": {"published": sum(v.published for r in reports for v in r.verdicts),
                        "blocked": sum(not v.published for r in reports for v in r.verdicts)}}
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _whole_github(reports) -> list[str]:
    def data(text):
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text):
        return data(text).replace(":", "%3A").replace(",", "%2C")

    lines = []
    for report in reports:
        for p in report.problems:
            lines.append(f"::warning file={prop(p.path or '')}{f',line={p.line}' if p.line else ''}::{data(p.message)}")
        for f in report.all_findings():
            lines.append(f"::{'error' if f.severity == 'error' else 'warning'} file={prop(f.path)},line={f.line},"
                         f"title={prop(f'[{f.check}]')}::{data(f.message)}")
        for v in report.verdicts:
            for r in v.reasons:
                lines.append(f"::error file={prop(r.path)}{f',line={r.line}' if r.line else ''},"
                             f"title={prop(f'{v.locale} {v.article} blocked [{r.rule}]')}::{data(r.message)}")
    return lines


@pytest.fixture
def untidy(source_root):
    """Three articles in fr and de with findings, warnings and blocked bundles of every kind the
    report orders: an article id that is a prefix of another (their PO files sort the other way),
    one that sorts after the site strings, stray entries, a bad Plural-Forms header, a broken
    glossary (fr) and a broken review ledger (de)."""
    from pipeline.extract import extract
    from pipeline.locales import parse_locale
    from pipeline.project import Project
    from pipeline.translations import init_locale

    article = (source_root / "source/articles/discogram.yaml").read_text(encoding="utf-8")
    for other in ("discogram-lumbar", "tail"):
        (source_root / f"source/articles/{other}.yaml").write_text(
            article.replace("id: discogram", f"id: {other}"), encoding="utf-8")
    project = Project.open(source_root)
    extract(project)
    for tag in ("fr", "de"):
        init_locale(project, parse_locale(tag))
        fill(source_root, tag, "site", translate=lambda e: "Mis à jour le {datum}." if e.msgid == UPDATED
             else f"[xx] {e.msgid}")
        fill(source_root, tag, "discogram", translate=lambda e: f"[xx] {e.msgid} **")
        fill(source_root, tag, "discogram-lumbar", translate=lambda e: f"[xx] <b>{e.msgid}</b>")
        fill(source_root, tag, "tail", translate=lambda e: e.msgid)
        for domain in ("discogram", "site", "tail"):
            with (source_root / f"locales/{tag}/LC_MESSAGES/{domain}.po").open("a", encoding="utf-8") as po:
                po.write(f'\nmsgctxt "{domain}/gone"\nmsgid "A sentence no longer in English"\nmsgstr "Une phrase"\n')
    fill(source_root, "de", "discogram-lumbar", translate=lambda e: f"[xx] {e.msgid}",
         header={"Plural-Forms": "nplurals=x;"})
    (source_root / "locales/fr/glossary.yaml").write_text("terms: [unclosed\n", encoding="utf-8")
    (source_root / "locales/de/reviews.yaml").write_text("approvals: {}\n", encoding="utf-8")
    return source_root


@pytest.mark.parametrize("workers", [False, True])
@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_the_streamed_report_is_the_whole_report_byte_for_byte(cli, untidy, fmt, workers, monkeypatch):
    """``check`` writes its report an article at a time, a locale a job, in worker processes
    when there are enough bundles (pipeline/report.py); what it prints, on standard output and
    standard error, is what the report held whole printed."""
    import pipeline.build

    if workers:
        monkeypatch.setattr(pipeline.build, "PARALLEL_MIN", 1)  # workers even for these 6 bundles
    from pipeline.errors import Problem
    from pipeline.gate import evaluate_locale
    from pipeline.locales import parse_locale
    from pipeline.project import Project
    from pipeline.review import approvals_for
    from pipeline.source import load_sources

    project = Project.open(untidy)
    sources = load_sources(untidy)
    reports = [evaluate_locale(project, sources, parse_locale(tag), approvals_for(project, parse_locale(tag)))
               for tag in ("de", "fr")]
    result = cli("check", "--format", fmt, root=untidy)
    expected = {"text": lambda: "\n".join(_whole_text(reports)) + "\n", "json": lambda: _whole_json(reports),
                "github": lambda: "\n".join(_whole_github(reports)) + "\n"}[fmt]()
    assert result.stdout == expected
    assert result.stderr == "".join(Problem.warning(p) + "\n" for r in reports for p in r.problems)
    assert result.exit_code == 1
    # What the fixture set up is there to be ordered: findings in several catalogues, warnings of
    # each kind, blocked and published bundles.
    assert {f.path.rsplit("/", 1)[-1] for r in reports for f in r.all_findings()} == {
        "discogram-lumbar.po", "discogram.po", "site.po", "tail.po"}
    assert {p.path.rsplit("/", 1)[-1] for r in reports for p in r.problems} == {
        "glossary.yaml", "reviews.yaml", "discogram.po", "discogram-lumbar.po", "site.po", "tail.po"}
    assert {v.status for r in reports for v in r.verdicts} == {"blocked", "published"}


def test_check_holds_one_article_and_one_locales_data_at_a_time(cli, untidy, monkeypatch):
    """check loads each article when its turn comes and lets it go (PartialSources), and lets
    each locale's CLDR data go when the locale is done: held whole, 1,000 articles in 20 locales
    took 97 MB, and the report besides 445 (pipeline/report.py)."""
    import babel.localedata

    from pipeline.source import PartialSources

    held: list[int] = []
    original = PartialSources.article

    def article(self, article_id):
        found = original(self, article_id)
        held.append(len(self.__dict__["_loaded"]))
        return found

    monkeypatch.setattr(PartialSources, "article", article)
    assert cli("check", root=untidy).exit_code == 1
    assert held and max(held) == 1
    assert len(held) >= 2 * 3  # every article of both locales went through it
    assert not getattr(babel.localedata, "_cache", {})


def test_check_without_a_writable_temporary_folder_says_so(cli, blocked_fr, monkeypatch, tmp_path):
    """The report waits in temporary files (pipeline/report.py): with nowhere to put them, the
    file system's message and exit code 2, not a traceback."""
    import tempfile

    root, _ = blocked_fr
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "gone"))
    result = cli("check", "fr", root=root)
    assert result.exit_code == 2
    assert "error: the file system refused it: No such file or directory" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
