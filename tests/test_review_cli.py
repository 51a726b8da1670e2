"""``pipeline review sheet|approve|revoke|status`` through the real entry point, and the sheet in Chromium."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from test_review import (
    ALICE,
    BOB,
    DISCOGRAM_PO,
    EPOCH,
    RISK_HEADING,
    RISK_ITEM,
    RISK_ITEMS,
    TRANSLATOR,
    edit_english,
    edit_entry,
    msgid_line,
    policy,
    prepared,
)

HINT = ("  hint: a translation must be revised by a second person (ISO 17100): ask another clinician to approve "
        "it, or narrow the scope with --article/--section")
ARABIC = {
    RISK_HEADING: "المخاطر والمضاعفات",
    RISK_ITEMS[1]: "كما هو الحال مع أي إجراء طبي جراحي، هناك مخاطر ومضاعفات محتملة مرتبطة بتصوير القرص، منها:",
    RISK_ITEMS[2]: "عدوى أو نزيف في موضع الحقن",
    RISK_ITEMS[3]: "تفاعلات تحسسية تجاه الصبغة المتباينة",
    RISK_ITEM: "تلف الأعصاب أو تهيجها",
    RISK_ITEMS[5]: "إصابة القرص أو انفتاقه",
}


@pytest.fixture(autouse=True)
def fixed_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def quote(text: str) -> str:
    return '"' + (text if len(text) <= 60 else text[:59] + "…") + '"'


def line(root: Path, msgid: str) -> int:
    return msgid_line(root / DISCOGRAM_PO, msgid)


# ---------------------------------------------------------------------- approve


def test_approve_reports_what_it_approved_and_each_skip(source_root, cli):
    root = prepared(source_root, "de")
    edit_entry(root, "de", "discogram", RISK_ITEM, flags=("fuzzy",))
    edit_entry(root, "de", "discogram", RISK_ITEMS[5], msgstr="")
    result = cli("review", "approve", "de", "--reviewer", ALICE, "--article", "discogram", "--section", "risks",
                 "--note", "read against the English", root=root)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        f"approved 4 messages as {ALICE} on 2025-06-06 (locales/de/reviews.yaml)",
        f"skipped {DISCOGRAM_PO}:{line(root, RISK_ITEM)} [discogram/risks] fuzzy: a translator must confirm the "
        f"translation: {quote(RISK_ITEM)}",
        f"skipped {DISCOGRAM_PO}:{line(root, RISK_ITEMS[5])} [discogram/risks] untranslated: {quote(RISK_ITEMS[5])}",
    ]
    again = cli("review", "approve", "de", "--reviewer", ALICE, "--section", "risks", root=root)
    assert again.stdout.splitlines()[0] == f"approved 0 messages as {ALICE} on 2025-06-06 (locales/de/reviews.yaml)"
    assert again.stdout.splitlines()[1] == (f"skipped {DISCOGRAM_PO}:{line(root, RISK_HEADING)} [discogram/risks] "
                                            f"already approved by {ALICE} on 2025-06-06: {quote(RISK_HEADING)}")


def test_self_approval_by_last_translator_is_refused_with_exit_2(source_root, cli):
    root = prepared(source_root, "de")
    result = cli("review", "approve", "de", "--reviewer", "T. Weber <TOM.WEBER@example.org>",
                 "--article", "discogram", root=root)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        f"{DISCOGRAM_PO}:9: error: T. Weber <TOM.WEBER@example.org> cannot approve their own translation: they are "
        f"this file's Last-Translator ({TRANSLATOR}); 34 message(s) in scope",
        HINT,
    ]
    assert not (root / "locales/de/reviews.yaml").exists()


def test_self_approval_by_translator_comment_is_refused_with_exit_2(source_root, cli):
    root = prepared(source_root, "de", last_translator="FULL NAME <EMAIL@ADDRESS>",
                    comments={RISK_ITEM: f"Translator: {BOB}"})
    result = cli("review", "approve", "de", "--reviewer", BOB, "--section", "risks", root=root)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        f"{DISCOGRAM_PO}:{line(root, RISK_ITEM)}: error: {BOB} cannot approve their own translation: the "
        f"translator comment names {BOB} as its translator",
        HINT,
    ]
    assert not (root / "locales/de/reviews.yaml").exists()


@pytest.mark.parametrize("reviewer", ["Alice", "FULL NAME <EMAIL@ADDRESS>"])
def test_reviewer_without_name_and_email_is_refused(source_root, cli, reviewer):
    root = prepared(source_root, "de")
    result = cli("review", "approve", "de", "--reviewer", reviewer, root=root)
    what = "is not of the form \"Name <email>\"" if reviewer == "Alice" else "is gettext's placeholder, not a person"
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        f"error: --reviewer '{reviewer}' {what}",
        '  hint: give a name and an e-mail address, e.g. --reviewer "Dr Jane Roe <jane.roe@example.org>"; '
        "the ledger records exactly this identity",
    ]
    assert not (root / "locales/de/reviews.yaml").exists()


def test_approve_requires_a_reviewer(source_root, cli):
    root = prepared(source_root, "de")
    result = cli("review", "approve", "de", root=root)
    assert result.exit_code == 2
    assert "Missing option '--reviewer'" in result.stderr
    assert not (root / "locales/de/reviews.yaml").exists()


def test_unknown_locale_article_and_section_are_usage_errors(source_root, cli):
    root = prepared(source_root, "de")
    assert cli("review", "approve", "fr", "--reviewer", ALICE, root=root).stderr.splitlines() == [
        "error: no catalogues for locale 'fr' (looked in locales/fr)", "  hint: create them with: pipeline init fr"]
    result = cli("review", "approve", "de", "--reviewer", ALICE, "--article", "discogramm", root=root)
    assert (result.exit_code, result.stderr.splitlines()) == (2, [
        "error: no article 'discogramm' in source/articles",
        "  hint: choose one of: site, discogram ('site' is the disclaimer and page labels)"])
    result = cli("review", "sheet", "de", "--section", "risk", root=root)
    assert (result.exit_code, result.stderr.splitlines()[0]) == (2, "error: no section 'risk' in the source")


def test_revoke_reports_how_many(source_root, cli):
    root = prepared(source_root, "de")
    cli("review", "approve", "de", "--reviewer", ALICE, root=root)
    result = cli("review", "revoke", "de", "--reviewer", ALICE, "--article", "discogram", "--section", "risks",
                 root=root)
    assert (result.exit_code, result.stdout) == (0, f"revoked 6 approvals by {ALICE} (locales/de/reviews.yaml)\n")
    result = cli("review", "revoke", "de", "--reviewer", "Someone Else <someone@example.org>", root=root)
    assert result.stdout == "revoked 0 approvals by Someone Else <someone@example.org> (locales/de/reviews.yaml)\n"
    result = cli("review", "revoke", "de", "--reviewer", ALICE, "--article", "site", root=root)
    assert result.stdout == f"revoked 13 approvals by {ALICE} (locales/de/reviews.yaml)\n"


# ----------------------------------------------------------------------- status


def test_status_table_and_json(source_root, cli):
    root = prepared(source_root, "de", "es")
    cli("review", "approve", "de", "--reviewer", ALICE, root=root)
    edit_entry(root, "de", "discogram", RISK_ITEM, msgstr="[de] Nervenschaden")  # stale
    edit_entry(root, "de", "discogram", "Purpose", flags=("fuzzy",))  # pending: a translator must confirm
    result = cli("review", "status", root=root)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "locale  domain     section              approved  stale  pending  total",
        "------  ---------  -------------------  --------  -----  -------  -----",
        "de      site       disclaimer *                5      0        0      5",
        "de      site       labels                      8      0        0      8",
        "de      discogram  title                       1      0        0      1",
        "de      discogram  introduction                1      0        0      1",
        "de      discogram  purpose                     4      0        1      5",
        "de      discogram  procedure-overview          7      0        0      7",
        "de      discogram  types                       6      0        0      6",
        "de      discogram  risks *                     5      1        0      6",
        "de      discogram  post-procedure-care         5      0        0      5",
        "de      discogram  conclusion                  3      0        0      3",
        "es      site       disclaimer *                0      0        5      5",
        "es      site       labels                      0      0        8      8",
        "es      discogram  title                       0      0        1      1",
        "es      discogram  introduction                0      0        1      1",
        "es      discogram  purpose                     0      0        5      5",
        "es      discogram  procedure-overview          0      0        7      7",
        "es      discogram  types                       0      0        6      6",
        "es      discogram  risks *                     0      0        6      6",
        "es      discogram  post-procedure-care         0      0        5      5",
        "es      discogram  conclusion                  0      0        3      3",
        "* required section; stale: approved once, but the English or the translation changed since",
        "policy: review is recorded but not required for publication (require_review = false)",
    ]
    policy(root, require_review=True, min_approvals=2)
    data = json.loads(cli("review", "status", "de", "--format", "json", root=root).stdout)

    def row(domain, section, role, approved, stale, pending):
        return {"domain": domain, "section": section, "role": role, "required": role in ("disclaimer", "risks"),
                "approved": approved, "stale": stale, "pending": pending, "total": approved + stale + pending}

    # With min_approvals = 2, one reviewer's approvals leave everything pending, and the void one stale.
    assert data == {
        "require_review": True,
        "min_approvals": 2,
        "locales": [{
            "locale": "de", "ledger": "locales/de/reviews.yaml", "approved": 0, "stale": 1, "pending": 46,
            "total": 47, "orphaned": 0,
            "sections": [
                row("site", "disclaimer", "disclaimer", 0, 0, 5),
                row("site", "labels", None, 0, 0, 8),
                row("discogram", "title", None, 0, 0, 1),
                row("discogram", "introduction", None, 0, 0, 1),
                row("discogram", "purpose", None, 0, 0, 5),
                row("discogram", "procedure-overview", None, 0, 0, 7),
                row("discogram", "types", None, 0, 0, 6),
                row("discogram", "risks", "risks", 0, 1, 5),
                row("discogram", "post-procedure-care", None, 0, 0, 5),
                row("discogram", "conclusion", "summary", 0, 0, 3),
            ],
        }],
    }
    table = cli("review", "status", "de", root=root).stdout.splitlines()
    assert table[-1] == "policy: each message of a required section needs 2 approvals by distinct reviewers to be published"


def test_status_counts_orphaned_records_and_refuses_a_malformed_ledger(source_root, cli):
    root = prepared(source_root, "de")
    cli("review", "approve", "de", "--reviewer", ALICE, "--section", "conclusion", root=root)
    source = root / "source/articles/discogram.yaml"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("determine the source of back pain.", "find the source of back pain."),
                      encoding="utf-8")
    cli("extract", root=root)
    cli("update", root=root)
    edit_entry(root, "de", "discogram", "A discogram is a diagnostic procedure used to evaluate spinal disc problems "
               "and find the source of back pain.", flags=(), previous_msgid=None, previous_msgctxt=None)
    result = cli("review", "status", "de", root=root)
    assert result.stdout.splitlines()[-1] == "locales/de/reviews.yaml: 1 approval record(s) match no current message"
    (root / "locales/de/reviews.yaml").write_text("approvals: {}\n", encoding="utf-8")
    result = cli("review", "status", "de", root=root)
    assert (result.exit_code, result.stderr.splitlines()[0]) == (
        2, "locales/de/reviews.yaml:1: error: 'approvals' must be a list of records")


def test_a_malformed_ledger_is_reported_by_check_and_blocks_only_under_review(source_root, cli):
    root = prepared(source_root, "de")
    cli("review", "approve", "de", "--reviewer", ALICE, root=root)
    (root / "locales/de/reviews.yaml").write_text("approvals:\n- domain: 'site\n", encoding="utf-8")
    warning = "locales/de/reviews.yaml:3: warning: invalid YAML: found unexpected end of stream"
    relaxed = cli("check", "de", root=root)  # review not required: said, but nothing to block
    assert (relaxed.exit_code, relaxed.stderr.splitlines()[0]) == (0, warning)
    policy(root, require_review=True)
    result = cli("check", "de", root=root)
    assert (result.exit_code, result.stdout.splitlines()[-1]) == (1, "0 published, 1 blocked")
    assert result.stdout.count("blocked [unreviewed]") == 11  # the gate sees no approval at all
    assert ("  locales/de/reviews.yaml:3: blocked [malformed-ledger] the review ledger cannot be read, so no "
            "approval can be checked: invalid YAML: found unexpected end of stream") in result.stdout.splitlines()
    built = cli("build", root=root)
    assert built.stderr.splitlines()[0] == warning
    manifest = json.loads((root / "dist/manifest.json").read_text(encoding="utf-8"))
    (record,) = [b for b in manifest["bundles"] if b["locale"] == "de"]
    assert record["reasons"][-1]["rule"] == "malformed-ledger"
    status = cli("review", "status", "de", root=root)
    assert (status.exit_code, status.stderr.splitlines()[0]) == (
        2, "locales/de/reviews.yaml:3: error: invalid YAML: found unexpected end of stream")


# ------------------------------------------------------------------ the gate, built


def test_build_blocks_a_bundle_whose_approval_went_stale(source_root, cli):
    root = prepared(source_root, "de")
    policy(root, require_review=True)
    assert cli("build", root=root).stdout.splitlines()[0].startswith("1 published, 1 blocked (")
    manifest = json.loads((root / "dist/manifest.json").read_text(encoding="utf-8"))
    (record,) = [b for b in manifest["bundles"] if b["locale"] == "de"]
    assert (record["status"], len(record["reasons"]), {r["rule"] for r in record["reasons"]}) == (
        "blocked", 11, {"unreviewed"})
    cli("review", "approve", "de", "--reviewer", ALICE, root=root)
    cli("build", root=root)
    manifest = json.loads((root / "dist/manifest.json").read_text(encoding="utf-8"))
    (record,) = [b for b in manifest["bundles"] if b["locale"] == "de"]
    assert (record["status"], record["review_state"]) == ("published", "reviewed")

    edit_entry(root, "de", "discogram", RISK_ITEM, msgstr="[de] Nervenschaden")
    cli("build", root=root)
    manifest = json.loads((root / "dist/manifest.json").read_text(encoding="utf-8"))
    (record,) = [b for b in manifest["bundles"] if b["locale"] == "de"]
    assert (record["status"], record["review_state"], record["files"]) == ("blocked", "unreviewed", {})
    assert record["reasons"] == [{
        "rule": "stale-review",
        "message": f"approval void, the translation changed since {ALICE} approved it on 2025-06-06; needs an "
                   f"approval from a clinical reviewer (has 0) in required section 'risks': \"{RISK_ITEM}\"",
        "path": DISCOGRAM_PO, "line": line(root, RISK_ITEM), "section": "risks", "check": None}]
    assert not (root / "dist/de/discogram.json").exists()
    check = cli("check", "de", root=root)
    assert check.exit_code == 1
    assert (f"  {DISCOGRAM_PO}:{line(root, RISK_ITEM)}: blocked [stale-review] approval void, the translation "
            f"changed since {ALICE} approved it on 2025-06-06; needs an approval from a clinical reviewer (has 0) "
            f"in required section 'risks': \"{RISK_ITEM}\"") in check.stdout.splitlines()


# ------------------------------------------------------------------------ sheet


def test_sheet_default_file_stdout_and_determinism(source_root, cli, tmp_path, monkeypatch):
    root = prepared(source_root, "de")
    cli("review", "approve", "de", "--reviewer", ALICE, "--section", "risks", root=root)
    monkeypatch.chdir(tmp_path)
    result = cli("review", "sheet", "de", "--article", "discogram", root=root)
    assert (result.exit_code, result.stdout) == (
        0, "wrote review-de-discogram.html: 34 messages, 6 approved, 0 changed since approval, 28 pending\n")
    html = (tmp_path / "review-de-discogram.html").read_text(encoding="utf-8")
    assert cli("review", "sheet", "de", "--article", "discogram", "-o", "-", root=root).stdout == html
    result = cli("review", "sheet", "de", "-o", str(tmp_path / "all.html"), root=root)
    assert result.stdout == (f"wrote {tmp_path / 'all.html'}: 47 messages, 6 approved, 0 changed since approval, "
                             "41 pending\n")
    assert "http://" not in html.replace("http-equiv", "") and "https://" not in html
    assert html.count('<tr class="row row-approved">') == 6


def arabic_sheet(root: Path, cli, tmp_path: Path) -> Path:
    """An Arabic sheet with every state: approved, stale (English changed), pending, a QA error, markup."""
    from test_review import translate

    translate(root, "ar", text=lambda e: ARABIC.get(e.msgid, f"[ar] {e.msgid}"))
    cli("review", "approve", "ar", "--reviewer", ALICE, "--section", "risks", root=root)
    edit_english(root, RISK_ITEM, "Nerve damage or nerve irritation")
    cli("update", "ar", root=root)
    edit_entry(root, "ar", "discogram", RISK_ITEMS[5], msgstr="<script>alert(1)</script> إصابة القرص")
    out = tmp_path / "review-ar-discogram.html"
    result = cli("review", "sheet", "ar", "--article", "discogram", "-o", str(out), root=root)
    assert result.stdout == f"wrote {out}: 34 messages, 4 approved, 2 changed since approval, 28 pending\n"
    return out


def test_sheet_rows_states_and_escaping(source_root, cli, tmp_path):
    root = prepared(source_root, "ar")
    html = arabic_sheet(root, cli, tmp_path).read_text(encoding="utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; إصابة القرص" in html
    assert html.index('id="discogram--risks"') < html.index('id="discogram--title"')
    assert (f'<td class="translation" lang="ar" dir="rtl" data-label="Translation (ar)">{ARABIC[RISK_HEADING]}</td>') in html


def test_sheet_in_headless_chromium(source_root, cli, tmp_path):
    from browser import ARTIFACTS, Chromium, chromium_or_skip

    executable = chromium_or_skip()
    root = prepared(source_root, "ar")
    sheet = arabic_sheet(root, cli, tmp_path)
    # The QA column shows the checks' own words.
    from pipeline.checks import Unit, run_checks
    from pipeline.locales import parse_locale

    unit = Unit(RISK_ITEMS[5], "<script>alert(1)</script> إصابة القرص", parse_locale("ar"), "discogram/risks",
                "risks", True)
    findings = [f"{f.severity} [{f.check}] {f.message}" for f in run_checks(unit)]
    assert "error [markup]" in " ".join(findings)
    with Chromium(executable, tmp_path / "profile") as browser:
        page = browser.open(sheet, width=1280, height=900)
        assert (page.requests, page.violations) == ([], [])
        assert page.direction("html") == "ltr"
        assert page.evaluate("Array.from(document.querySelectorAll('td.translation'))"
                             ".map(e => getComputedStyle(e).direction)") == ["rtl"] * 34
        assert page.evaluate("Array.from(document.querySelectorAll('td.source'))"
                             ".every(e => getComputedStyle(e).direction === 'ltr')") is True
        assert page.evaluate("Array.from(document.querySelectorAll('section.group')).map(s => s.id)") == [
            "discogram--risks", "discogram--title", "discogram--introduction", "discogram--purpose",
            "discogram--procedure-overview", "discogram--types", "discogram--post-procedure-care",
            "discogram--conclusion"]
        rows = page.evaluate("""Array.from(document.querySelectorAll('#discogram--risks tbody tr')).map(r =>
            Array.from(r.cells).map(c => c.innerText.trim()))""")
        assert [r[0].splitlines()[0] for r in rows] == [
            *RISK_ITEMS[:4], "Nerve damage or nerve irritation", RISK_ITEMS[5]]
        assert [r[2].split("\n")[0] for r in rows] == [
            f"APPROVED by {ALICE} on 2025-06-06"] * 4 + [
            f"STALE changed since approval: the English changed since {ALICE} approved it on 2025-06-06; "
            "not ready for approval (fuzzy)",
            f"STALE changed since approval: the translation changed since {ALICE} approved it on 2025-06-06; "
            "not ready for approval (QA error)"]
        assert rows[5][1] == "<script>alert(1)</script> إصابة القرص"
        assert page.evaluate("document.scripts.length") == 0
        assert rows[5][3] == "\n".join(findings)
        previous = page.visible("#discogram--risks .previous")
        assert [(p["text"], p["visible"]) for p in previous] == [(
            "The English changed since this was translated. Translated from: Nerve damage or irritation\n"
            "Changes (old words struck through, new words highlighted): Nerve damage or nerve irritation", True)]
        assert page.evaluate("Array.from(document.querySelectorAll('#discogram--risks .previous ins, "
                             "#discogram--risks .previous del')).map(e => e.tagName + ':' + e.textContent)") == [
            "INS:nerve "]
        assert page.layout()["document"] == page.layout()["viewport"]
        page.screenshot(ARTIFACTS / "review-sheet-ar.png")
        phone = browser.open(sheet, width=390, height=844)
        assert (phone.requests, phone.violations) == ([], [])
        assert phone.layout()["document"] == phone.layout()["viewport"] == 390
        assert phone.direction("#discogram--risks td.translation") == "rtl"
        phone.screenshot(ARTIFACTS / "review-sheet-ar-phone.png", full_page=False)
