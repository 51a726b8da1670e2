"""The review ledger and the review state: approvals bound to the exact English and translation.

Every test builds its own translated locale (extract, init, then a pseudo-translation
written with pipeline.catalog), so the shipped, machine-drafted catalogues never matter.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import polib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from unittest.mock import patch

from pipeline.catalog import read_po, write_po
from pipeline.errors import CatalogError, InputError, Problem, UsageError
from pipeline.gate import BLOCKED, PUBLISHED, Reason, evaluate_locale
from pipeline.locales import parse_locale
from pipeline.project import Project
from pipeline.review import (
    APPROVED,
    PENDING,
    STALE,
    Approval,
    Identity,
    SelfApprovalError,
    Void,
    approval_date,
    approvals_for,
    approve,
    load_ledger,
    make_scope,
    parse_identity,
    parse_reviewer,
    render_ledger,
    review_locale,
    revoke,
    section_counts,
    text_hash,
)
from pipeline.source import load_sources

DATE = "2025-06-06"
EPOCH = "1749168000"  # 2025-06-06T00:00:00Z
ALICE = "Dr Alice Hart <alice.hart@example.org>"
BOB = "Dr Bob Ngo <bob.ngo@example.org>"
TRANSLATOR = "Tom Weber <tom.weber@example.org>"
RISK_ITEM = "Nerve damage or irritation"
RISK_HEADING = "Risks and Complications"
RISK_ITEMS = (
    RISK_HEADING,
    "As with any invasive medical procedure, there are potential risks and complications associated "
    "with a discogram, including:",
    "Infection or bleeding at the injection site",
    "Allergic reactions to the contrast dye",
    RISK_ITEM,
    "Disc injury or herniation",
)
DISCOGRAM_PO = "locales/de/LC_MESSAGES/discogram.po"
SITE_PO = "locales/de/LC_MESSAGES/site.po"


# ------------------------------------------------------------------------- helpers


def pseudo(folder: str):
    return lambda entry: f"[{folder}] {entry.msgid}"


def translate(root: Path, folder: str, text=None, last_translator: str | None = TRANSLATOR,
              comments: dict[str, str] | None = None) -> None:
    """Translate every active entry of a locale (not fuzzy, no previous msgid), as a translator would."""
    text = text or pseudo(folder)
    for path in sorted((root / "locales" / folder / "LC_MESSAGES").glob("*.po")):
        catalog = read_po(path)
        entries = tuple(
            e if e.obsolete else replace(e, msgstr=text(e) or "", flags=tuple(f for f in e.flags if f != "fuzzy"),
                                         previous_msgid=None, previous_msgctxt=None,
                                         comment=(comments or {}).get(e.msgid, e.comment))
            for e in catalog.entries)
        catalog = replace(catalog, entries=entries)
        if last_translator is not None:
            catalog = catalog.with_meta(Last_Translator=last_translator)
        write_po(path, catalog)


def prepared(root: Path, *folders: str, **options) -> Path:
    """The shipped source, extracted, with each locale created from the templates and translated."""
    from pipeline.extract import extract
    from pipeline.translations import init_locale

    project = Project.open(root)
    extract(project)
    for folder in folders:
        init_locale(project, parse_locale(folder))
        translate(root, folder, **options)
    return root


def edit_entry(root: Path, folder: str, domain: str, msgid: str, **changes) -> Path:
    path = root / "locales" / folder / "LC_MESSAGES" / f"{domain}.po"
    catalog = read_po(path)
    entries = tuple(replace(e, **changes) if e.msgid == msgid and not e.obsolete else e for e in catalog.entries)
    assert entries != catalog.entries, f"{msgid!r} not in {path}"
    write_po(path, replace(catalog, entries=entries))
    return path


def edit_english(root: Path, old: str, new: str) -> None:
    """Change one text of the discogram article, then extract the templates again."""
    from pipeline.extract import extract

    path = root / "source" / "articles" / "discogram.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    extract(Project.open(root))


def policy(root: Path, **settings) -> None:
    """Append settings to [tool.pipeline] (the shipped table is the last one in the file)."""
    lines = [f"{k} = {str(v).lower() if isinstance(v, bool) else v}" for k, v in settings.items()]
    with open(root / "pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def msgid_line(path: Path, msgid: str) -> int:
    """The line of the entry's ``msgid`` keyword, found in the file's text (wrapped msgids too)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if line == f'msgid "{msgid}"':
            return number
        if line == 'msgid ""' and number < len(lines) and lines[number].startswith('"'):
            text = ""
            for follow in lines[number:]:
                if not follow.startswith('"'):
                    break
                text += follow[1:-1]
            if text.replace('\\"', '"') == msgid:
                return number
    raise AssertionError(f"msgid {msgid!r} not in {path}")


def open_project(root: Path):
    project = Project.open(root)
    return project, load_sources(root, project.config.required_roles)


def do_approve(root: Path, reviewer: str, folder: str = "de", article: str | None = None,
               section: str | None = None, note: str = "", date: str = DATE):
    project, sources = open_project(root)
    return approve(project, sources, parse_locale(folder), parse_reviewer(reviewer), date,
                   make_scope(sources, article, section), note)


def states(root: Path, folder: str = "de", section: str | None = None) -> dict[str, str]:
    project, sources = open_project(root)
    review = review_locale(project, sources, parse_locale(folder), make_scope(sources, section=section))
    return {item.message.text: item.state for item in review.items}


def verdict(root: Path, folder: str = "de"):
    project, sources = open_project(root)
    locale = parse_locale(folder)
    (only,) = evaluate_locale(project, sources, locale, approvals_for(project, locale)).verdicts
    return only


def msgmerge(root: Path, folder: str) -> None:
    for domain in ("site", "discogram"):
        po = root / "locales" / folder / "LC_MESSAGES" / f"{domain}.po"
        subprocess.run(["msgmerge", "--quiet", "-U", "--previous", "--backup=none", str(po),
                        str(root / "locales" / f"{domain}.pot")], check=True)


needs_msgmerge = pytest.mark.skipif(shutil.which("msgmerge") is None,
                                    reason="GNU gettext's msgmerge is not installed (apt-get install gettext)")


# --------------------------------------------------------------------------- ledger


def test_approval_record_and_ledger_file_exactly(source_root):
    root = prepared(source_root, "de")
    result = do_approve(root, ALICE, article="discogram", section="risks", note="checked  against the\nEnglish")
    assert [item.message.text for item in result.approved] == list(RISK_ITEMS)
    assert (result.skipped, result.superseded, result.written) == ((), 0, True)
    project, _ = open_project(root)
    ledger = load_ledger(project, parse_locale("de"))
    expected = sorted(
        Approval("discogram", "discogram/risks", text_hash(text), text_hash(f"[de] {text}"), ALICE, DATE,
                 "checked against the English")
        for text in RISK_ITEMS)
    assert list(ledger.approvals) == expected
    first = expected[0]
    text = (root / "locales/de/reviews.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[:14] == [
        "# Clinical review ledger for de: written by 'pipeline review approve' and",
        "# 'pipeline review revoke'. An approval counts only while both hashes match the",
        "# current English and translation. On a merge conflict keep both sides' records.",
        "# See docs/review.md.",
        "approvals:",
        "- domain: discogram",
        "  msgctxt: discogram/risks",
        f"  source_sha256: {first.source_sha256}",
        f"  translation_sha256: {first.translation_sha256}",
        f'  reviewer: "{ALICE}"',
        '  date: "2025-06-06"',
        '  note: "checked against the English"',
        "",
        "- domain: discogram",
    ]
    assert [a.line for a in ledger.approvals] == [6 + 8 * i for i in range(6)]


def test_ledger_is_sorted_and_deterministic_whatever_the_order_of_approvals(source_root):
    root = prepared(source_root, "de")
    do_approve(root, BOB, section="disclaimer")
    do_approve(root, ALICE, section="risks")
    first = (root / "locales/de/reviews.yaml").read_bytes()
    (root / "locales/de/reviews.yaml").unlink()
    do_approve(root, ALICE, section="risks")
    do_approve(root, BOB, section="disclaimer")
    assert (root / "locales/de/reviews.yaml").read_bytes() == first
    project, _ = open_project(root)
    ledger = load_ledger(project, parse_locale("de"))
    assert render_ledger(parse_locale("de"), ledger.approvals) == first.decode("utf-8")


note_texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40).map(lambda t: " ".join(t.split()))
names = st.text(st.characters(blacklist_categories=("Cs", "Z", "C"), blacklist_characters="<>@"), min_size=1,
                max_size=20)


@settings(max_examples=60, deadline=None)
@given(notes=st.lists(note_texts, min_size=1, max_size=5), name=names)
def test_ledger_round_trip_through_both_readers(tmp_path_factory, notes, name):
    """Whatever a note holds (quotes, backslashes, control characters, any script), it reads back the same,
    by the fast line reader and by the YAML reader alike."""
    root = tmp_path_factory.mktemp("ledger")
    (root / "source").mkdir()
    (root / "locales/de").mkdir(parents=True)
    project, de = Project.open(root), parse_locale("de")
    approvals = sorted(Approval("site", f"site/labels/n{i}", text_hash(str(i)), text_hash(note), f"{name} <a@b.example>",
                                DATE, note) for i, note in enumerate(notes))
    (root / "locales/de/reviews.yaml").write_text(render_ledger(de, approvals), encoding="utf-8")
    fast = load_ledger(project, de)
    with patch("pipeline.review.ledger._read_canonical", return_value=None):
        slow = load_ledger(project, de)
    assert [replace(a, line=0) for a in fast.approvals] == approvals
    assert list(slow.approvals) == list(fast.approvals)
    assert [a.line for a in fast.approvals] == [a.line for a in slow.approvals]


def test_a_ledger_of_thousands_of_records_loads(source_root):
    """No size limit (a ledger grows with the content), and records keep their lines."""
    root = prepared(source_root, "de")
    approvals = [Approval(f"article-{i // 35:04d}", f"article-{i // 35:04d}/risks", text_hash(str(i)),
                          text_hash(f"t{i}"), ALICE, DATE) for i in range(10_000)]
    text = render_ledger(parse_locale("de"), approvals)
    assert len(text.encode("utf-8")) > 2_500_000
    (root / "locales/de/reviews.yaml").write_text(text, encoding="utf-8")
    ledger = load_ledger(Project.open(root), parse_locale("de"))
    assert (len(ledger.approvals), ledger.approvals[-1].line) == (10_000, 6 + 7 * 9_999)


@pytest.mark.parametrize(("text", "line", "message"), [
    ("approvals:\n- domain: site\n", 2, "approval record is missing msgctxt, source_sha256, translation_sha256, "
                                        "reviewer, date"),
    ("approvals:\n- domain: site\n  msgctxt: site/disclaimer\n  source_sha256: abc\n"
     f"  translation_sha256: {'0' * 64}\n  reviewer: {ALICE}\n  date: '2025-06-06'\n", 2,
     "'source_sha256' must be 64 lower-case hexadecimal digits (a SHA-256)"),
    ("approvals:\n- domain: site\n  msgctxt: site/disclaimer\n  source_sha256: " + "0" * 64 + "\n"
     f"  translation_sha256: {'0' * 64}\n  reviewer: Alice\n  date: '2025-06-06'\n", 2,
     "'reviewer' must be \"Name <email>\", not 'Alice'"),
    ("approvals:\n- domain: site\n  signed: yes\n", 3, "unknown field 'signed' in an approval record"),
    ("reviews: []\n", 1, "unknown key 'reviews' in the review ledger (expected 'approvals' once)"),
    ("approvals: {}\n", 1, "'approvals' must be a list of records"),
    ("approvals:\n- domain: site\n  domain: site\n", 3, "field 'domain' appears twice in one approval record"),
    ("approvals:\n- &one {domain: site, msgctxt: site/disclaimer, source_sha256: " + "0" * 64 + ", "
     f"translation_sha256: {'0' * 64}, reviewer: {ALICE}, date: '2025-06-06'}}\n- *one\n", 2,
     "an approval record must be written out, not repeated with a YAML alias"),
    ("approvals:\n- domain: 'site\n", 3, "invalid YAML: found unexpected end of stream"),
])
def test_malformed_ledger_names_file_and_line(source_root, text, line, message):
    root = prepared(source_root, "de")
    (root / "locales/de/reviews.yaml").write_text(text, encoding="utf-8")
    project, _ = open_project(root)
    with pytest.raises(CatalogError) as caught:
        load_ledger(project, parse_locale("de"))
    assert (caught.value.path, caught.value.line, caught.value.message) == ("locales/de/reviews.yaml", line, message)


def test_ledger_that_is_not_utf8_names_the_line(source_root):
    root = prepared(source_root, "de")
    (root / "locales/de/reviews.yaml").write_bytes(b"approvals:\n- domain: site\n  note: \xff\n")
    with pytest.raises(CatalogError) as caught:
        load_ledger(Project.open(root), parse_locale("de"))
    assert (caught.value.path, caught.value.line, caught.value.message) == (
        "locales/de/reviews.yaml", 3, "the review ledger is not valid UTF-8")


def test_empty_or_comment_only_ledger_is_an_empty_ledger(source_root):
    root = prepared(source_root, "de")
    project, _ = open_project(root)
    for text in ("", "# nothing approved yet\n", "approvals: []\n", "approvals:\n"):
        (root / "locales/de/reviews.yaml").write_text(text, encoding="utf-8")
        assert load_ledger(project, parse_locale("de")).approvals == ()


# ----------------------------------------------------------------------- identities


@pytest.mark.parametrize("given", ["Alice", "alice@example.org", "<alice@example.org>", "Alice <alice>",
                                   "Alice <alice@example.org", "FULL NAME <EMAIL@ADDRESS>", "Alice <EMAIL@ADDRESS>",
                                   ""])
def test_reviewer_must_be_name_and_email(given):
    with pytest.raises(UsageError) as caught:
        parse_reviewer(given)
    assert caught.value.message.startswith(f"--reviewer '{given}' is ")


def test_reviewer_is_recorded_as_given_with_whitespace_collapsed():
    assert parse_reviewer("  Dr  Jane   Roe <Jane.Roe@Example.org> ") == Identity("Dr Jane Roe", "Jane.Roe@Example.org")
    assert str(parse_reviewer("Dr Jane Roe <Jane.Roe@Example.org>")) == "Dr Jane Roe <Jane.Roe@Example.org>"


@pytest.mark.parametrize(("text", "expected"), [
    ("FULL NAME <EMAIL@ADDRESS>", None),
    ("", None),
    ("Tom Weber <TOM.WEBER@example.org>", Identity("Tom Weber", "TOM.WEBER@example.org")),
    ("Tom Weber", Identity("Tom Weber")),
    ("Tom Weber <EMAIL@ADDRESS>", Identity("Tom Weber")),
])
def test_translator_identities(text, expected):
    assert parse_identity(text) == expected


def test_same_person_by_email_case_insensitively_or_by_name_without_email():
    alice = Identity("Dr Alice Hart", "alice.hart@example.org")
    assert alice.same_person(Identity("A. Hart", "ALICE.HART@example.org")) is True
    assert alice.same_person(Identity("Dr Alice Hart", "alice@other.example")) is False
    assert alice.same_person(Identity("dr alice  hart")) is True
    assert alice.same_person(Identity("Alice")) is False


def test_approval_date_from_source_date_epoch_else_today():
    import datetime as dt

    assert approval_date({"SOURCE_DATE_EPOCH": EPOCH}) == "2025-06-06"
    assert approval_date({}) == dt.date.today().isoformat()
    with pytest.raises(UsageError) as caught:
        approval_date({"SOURCE_DATE_EPOCH": "yesterday"})
    assert caught.value.message == "SOURCE_DATE_EPOCH='yesterday' is not a whole number of seconds since 1970"


# ------------------------------------------------------------- approve and the gate


def test_approve_then_edit_translation_voids_approval_and_blocks_bundle(source_root):
    root = prepared(source_root, "de")
    policy(root, require_review=True)
    assert verdict(root).reasons[0].rule == "unreviewed"
    do_approve(root, ALICE)
    approved = verdict(root)
    assert (approved.status, approved.reasons, approved.review_state) == (PUBLISHED, (), "reviewed")

    po = edit_entry(root, "de", "discogram", RISK_ITEM, msgstr="[de] Nervenschaden")
    blocked = verdict(root)
    assert blocked.status == BLOCKED
    assert blocked.reasons == (Reason(
        "stale-review",
        f"approval void, the translation changed since {ALICE} approved it on {DATE}; needs an approval from a "
        f"clinical reviewer (has 0) in required section 'risks': \"{RISK_ITEM}\"",
        DISCOGRAM_PO, msgid_line(po, RISK_ITEM), "risks"),)
    assert blocked.review_state == "unreviewed"
    assert states(root, section="risks") == {**dict.fromkeys(RISK_ITEMS, APPROVED), RISK_ITEM: STALE}

    # Undoing the edit restores the approval: it is bound to the texts, not to a moment.
    edit_entry(root, "de", "discogram", RISK_ITEM, msgstr=f"[de] {RISK_ITEM}")
    assert verdict(root).status == PUBLISHED


def test_without_require_review_approvals_only_change_the_review_state(source_root):
    root = prepared(source_root, "de")
    assert (verdict(root).status, verdict(root).review_state) == (PUBLISHED, "unreviewed")
    do_approve(root, ALICE, section="risks")
    assert (verdict(root).status, verdict(root).review_state) == (PUBLISHED, "unreviewed")
    do_approve(root, ALICE)
    assert (verdict(root).status, verdict(root).review_state) == (PUBLISHED, "reviewed")


def test_unreviewed_reason_names_each_required_message(source_root):
    root = prepared(source_root, "de")
    policy(root, require_review=True)
    do_approve(root, ALICE, article="site")
    po = root / DISCOGRAM_PO
    assert verdict(root).reasons == tuple(
        Reason("unreviewed", f"needs an approval from a clinical reviewer (has 0) in required section 'risks': "
                             f"\"{text if len(text) <= 60 else text[:59] + '…'}\"",
               DISCOGRAM_PO, line, "risks")
        for text, line in zip(RISK_ITEMS, [msgid_line(po, t) for t in RISK_ITEMS]))


def test_edit_english_makes_the_approval_stale(source_root):
    root = prepared(source_root, "de")
    do_approve(root, ALICE)
    edit_english(root, RISK_ITEM, "Nerve damage or nerve irritation")
    from pipeline.translations import update_locales

    project, sources = open_project(root)
    update_locales(project, [parse_locale("de")])
    review = review_locale(project, sources, parse_locale("de"), make_scope(sources, "discogram", "risks"))
    changed = [item for item in review.items if item.state != APPROVED]
    assert [(i.message.text, i.state, i.previous, i.blocker, i.translation) for i in changed] == [
        ("Nerve damage or nerve irritation", STALE, RISK_ITEM, "fuzzy", f"[de] {RISK_ITEM}")]
    (old,) = [a for a in review.ledger.approvals if a.source_sha256 == text_hash(RISK_ITEM)]
    assert changed[0].void == (Void(old, "English"),)
    assert [s.to_json() for s in section_counts(review)] == [
        {"domain": "discogram", "section": "risks", "role": "risks", "required": True,
         "approved": 5, "stale": 1, "pending": 0, "total": 6}]


def test_re_approval_replaces_the_reviewers_void_record(source_root):
    root = prepared(source_root, "de")
    do_approve(root, ALICE, section="risks")
    edit_entry(root, "de", "discogram", RISK_ITEM, msgstr="[de] Nervenschaden")
    result = do_approve(root, ALICE, section="risks", date="2025-07-01")
    assert [i.message.text for i in result.approved] == [RISK_ITEM]
    assert result.superseded == 1
    assert [(i.message.text, why) for i, why in result.skipped] == [
        (text, f"already approved by {ALICE} on {DATE}") for text in RISK_ITEMS if text != RISK_ITEM]
    project, _ = open_project(root)
    ledger = load_ledger(project, parse_locale("de"))
    assert len(ledger.approvals) == 6
    assert [a for a in ledger.approvals if a.source_sha256 == text_hash(RISK_ITEM)] == [
        Approval("discogram", "discogram/risks", text_hash(RISK_ITEM), text_hash("[de] Nervenschaden"), ALICE,
                 "2025-07-01")]


def test_approve_skips_what_is_not_usable_and_says_why(source_root):
    root = prepared(source_root, "de")
    edit_entry(root, "de", "discogram", RISK_ITEM, flags=("fuzzy",))
    edit_entry(root, "de", "discogram", "Disc injury or herniation", msgstr="")
    edit_entry(root, "de", "discogram", "Allergic reactions to the contrast dye",
               msgstr="[de] Allergic reactions to the contrast dye {dose}")
    result = do_approve(root, ALICE, section="risks")
    assert [i.message.text for i in result.approved] == list(RISK_ITEMS[:3])
    # The placeholders check's own words, asked of the check directly.
    from pipeline.checks import Unit, run_checks

    unit = Unit(RISK_ITEMS[3], f"[de] {RISK_ITEMS[3]} {{dose}}", parse_locale("de"), "discogram/risks", "risks", True)
    (finding,) = [f for f in run_checks(unit) if f.severity == "error"]
    assert finding.check == "placeholders"
    assert [(i.location(), why) for i, why in result.skipped] == [
        (f"{DISCOGRAM_PO}:{msgid_line(root / DISCOGRAM_PO, RISK_ITEMS[3])}",
         f"QA error: [placeholders] {finding.message}"),
        (f"{DISCOGRAM_PO}:{msgid_line(root / DISCOGRAM_PO, RISK_ITEM)}",
         "fuzzy: a translator must confirm the translation"),
        (f"{DISCOGRAM_PO}:{msgid_line(root / DISCOGRAM_PO, RISK_ITEMS[5])}", "untranslated"),
    ]


# -------------------------------------------------------------------- self-approval


def test_last_translator_cannot_approve(source_root):
    root = prepared(source_root, "de", last_translator="Tom Weber <Tom.Weber@Example.org>")
    with pytest.raises(SelfApprovalError) as caught:
        do_approve(root, "T. Weber <tom.weber@example.org>", article="discogram")
    hint = ("a translation must be revised by a second person (ISO 17100): ask another clinician to approve it, "
            "or narrow the scope with --article/--section")
    assert caught.value.problems == (Problem(
        "T. Weber <tom.weber@example.org> cannot approve their own translation: they are this file's "
        "Last-Translator (Tom Weber <Tom.Weber@Example.org>); 34 message(s) in scope",
        DISCOGRAM_PO, 9, hint),)
    assert not (root / "locales/de/reviews.yaml").exists()


def test_last_translator_without_email_is_matched_by_name(source_root):
    root = prepared(source_root, "de", last_translator="Alice  Hart")
    with pytest.raises(SelfApprovalError) as caught:
        do_approve(root, "alice hart <alice@example.org>", article="site")
    assert [(p.path, p.line) for p in caught.value.problems] == [(SITE_PO, 9)]
    # Someone else may approve; the placeholder names nobody.
    assert len(do_approve(root, BOB, article="site").approved) == 13


def test_placeholder_last_translator_is_nobody(source_root):
    root = prepared(source_root, "de", last_translator="FULL NAME <EMAIL@ADDRESS>")
    assert len(do_approve(root, ALICE).approved) == 47


def test_translator_comment_names_the_translator_of_one_entry(source_root):
    root = prepared(source_root, "de", comments={RISK_ITEM: "Translator: Dr Alice Hart <ALICE.HART@example.org>\n"
                                                            "Checked with the radiology glossary."})
    po = root / DISCOGRAM_PO
    assert "# Translator: Dr Alice Hart <ALICE.HART@example.org>\n" in po.read_text(encoding="utf-8")
    with pytest.raises(SelfApprovalError) as caught:
        do_approve(root, ALICE, section="risks")
    assert [(p.message, p.path, p.line) for p in caught.value.problems] == [
        (f"{ALICE} cannot approve their own translation: the translator comment names "
         "Dr Alice Hart <ALICE.HART@example.org> as its translator", DISCOGRAM_PO, msgid_line(po, RISK_ITEM))]
    assert not (root / "locales/de/reviews.yaml").exists()
    # Outside that entry, and for another reviewer, approval goes ahead.
    assert len(do_approve(root, ALICE, section="disclaimer").approved) == 5
    assert len(do_approve(root, BOB, section="risks").approved) == 6


# ------------------------------------------------------------- surviving the tools


def test_approvals_survive_rewrapping_reordering_and_comment_edits(source_root):
    root = prepared(source_root, "de")
    do_approve(root, ALICE)
    before = (root / DISCOGRAM_PO).read_text(encoding="utf-8")
    # A Poedit-style save: the same texts, wrapped at another width, entries in another order,
    # a translator's comment added.
    for domain in ("site", "discogram"):
        path = root / "locales/de/LC_MESSAGES" / f"{domain}.po"
        po = polib.pofile(str(path), wrapwidth=40)
        po[:] = list(reversed(po))
        po[0].tcomment = "Checked the terminology with the radiology team."
        po.save(str(path))
    after = (root / DISCOGRAM_PO).read_text(encoding="utf-8")
    assert after != before
    assert '"As with any invasive medical "\n' in after
    assert set(states(root).values()) == {APPROVED}
    assert verdict(root).review_state == "reviewed"


@needs_msgmerge
def test_approvals_survive_msgmerge_previous(source_root):
    root = prepared(source_root, "de")
    do_approve(root, ALICE)
    msgmerge(root, "de")
    assert set(states(root).values()) == {APPROVED}
    assert verdict(root).review_state == "reviewed"

    edit_english(root, RISK_ITEM, "Nerve damage or nerve irritation")
    msgmerge(root, "de")
    text = (root / DISCOGRAM_PO).read_text(encoding="utf-8")
    assert f'#| msgid "{RISK_ITEM}"' in text
    assert states(root, section="risks") == {
        **{t: APPROVED for t in RISK_ITEMS if t != RISK_ITEM}, "Nerve damage or nerve irritation": STALE}


def test_approvals_survive_pipeline_update(source_root, cli):
    root = prepared(source_root, "de")
    do_approve(root, ALICE)
    ledger = (root / "locales/de/reviews.yaml").read_bytes()
    edit_english(root, "Disc injury or herniation", "Disc injury or disc herniation")
    result = cli("update", "de", root=root)
    assert (result.exit_code, result.stdout) == (0, f"updated {DISCOGRAM_PO}\n")
    assert (root / "locales/de/reviews.yaml").read_bytes() == ledger
    counts = {}
    for state in states(root).values():
        counts[state] = counts.get(state, 0) + 1
    assert counts == {APPROVED: 46, STALE: 1}


# ------------------------------------------------------------- min_approvals, revoke


def test_min_approvals_counts_distinct_reviewers(source_root):
    root = prepared(source_root, "de")
    policy(root, require_review=True, min_approvals=2)
    do_approve(root, ALICE)
    first = verdict(root)
    assert first.status == BLOCKED
    assert first.reasons[-5] == Reason(
        "unreviewed", "needs 2 approvals from a clinical reviewer (has 1) in required section 'disclaimer': "
                      "\"Medical Disclaimer\"", SITE_PO, msgid_line(root / SITE_PO, "Medical Disclaimer"),
        "disclaimer")
    assert len(first.reasons) == 11
    # The same person under another name and case is still one reviewer.
    again = do_approve(root, "Alice H. <ALICE.HART@EXAMPLE.ORG>")
    assert (len(again.approved), len(again.skipped)) == (0, 47)
    assert verdict(root).status == BLOCKED
    assert set(states(root).values()) == {PENDING}
    do_approve(root, BOB)
    assert (verdict(root).status, verdict(root).reasons) == (PUBLISHED, ())
    assert set(states(root).values()) == {APPROVED}


def test_revoke_removes_a_reviewers_approvals_in_scope(source_root):
    root = prepared(source_root, "de")
    do_approve(root, ALICE)
    do_approve(root, BOB, section="risks")
    project, sources = open_project(root)
    de = parse_locale("de")
    result = revoke(project, sources, de, parse_reviewer("Alice <ALICE.HART@example.org>"), "discogram", "risks")
    assert (len(result.removed), result.written) == (6, True)
    assert {a.reviewer for a in result.removed} == {ALICE}
    assert states(root, section="risks") == dict.fromkeys(RISK_ITEMS, APPROVED)  # Bob's still count
    assert len(revoke(project, sources, de, parse_reviewer(ALICE)).removed) == 41
    assert len(revoke(project, sources, de, parse_reviewer(ALICE)).removed) == 0
    assert {a.reviewer for a in load_ledger(project, de).approvals} == {BOB}
    with pytest.raises(UsageError) as caught:
        revoke(project, sources, de, parse_reviewer(ALICE), "no-such-article")
    assert caught.value.message == "no article 'no-such-article' in source/articles"


def test_scope_refuses_unknown_section(source_root):
    root = prepared(source_root, "de")
    _, sources = open_project(root)
    with pytest.raises(UsageError) as caught:
        make_scope(sources, "discogram", "risk")
    assert (caught.value.message, caught.value.hint) == (
        "no section 'risk' in article 'discogram'",
        "sections: conclusion, introduction, post-procedure-care, procedure-overview, purpose, risks, title, types")


def test_broken_po_is_refused_by_approve(source_root):
    root = prepared(source_root, "de")
    (root / DISCOGRAM_PO).write_text('msgid "a"\nmsgstr "unterminated\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        do_approve(root, ALICE)
    assert [(p.path, p.line) for p in caught.value.problems] == [(DISCOGRAM_PO, 2)]
