"""The safety gate on real PO content: what blocks a bundle, what falls back, and why."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.gate import BLOCKED, PUBLISHED, Reason, evaluate_locale
from pipeline.locales import parse_locale
from pipeline.project import Project
from pipeline.source import load_sources
from tests.translate import fill, line_of

RISK_ITEM = "Infection or bleeding at the injection site"
DISCLAIMER_NEVER = ("Never disregard professional medical advice or delay seeking it because of "
                    "something you have read on this site.")


def prepared(root: Path, *tags: str) -> Path:
    """extract + init the locales, fully pseudo-translated."""
    from pipeline.extract import extract
    from pipeline.translations import init_locale

    project = Project.open(root)
    extract(project)
    for tag in tags:
        locale = parse_locale(tag)
        init_locale(project, locale)
        for domain in ("site", "discogram"):
            fill(root, locale.folder, domain)
    return root


def verdict(root: Path, tag: str):
    project = Project.open(root)
    sources = load_sources(root, project.config.required_roles)
    report = evaluate_locale(project, sources, parse_locale(tag))
    (only,) = report.verdicts
    return only


def test_fully_translated_locale_is_published(source_root):
    root = prepared(source_root, "fr")
    result = verdict(root, "fr")
    assert (result.status, result.reasons) == (PUBLISHED, ())
    assert result.coverage.to_json() == {"total": 47, "translated": 47, "fallback": 0, "percent": 100.0}
    assert result.texts[("discogram/risks", RISK_ITEM)].text == f"[xx] {RISK_ITEM}"
    assert result.review_state == "unreviewed"


def test_untranslated_risk_blocks_with_file_line_and_section(source_root):
    root = prepared(source_root, "fr")
    po = fill(root, "fr", "discogram", translate=lambda e: None if e.msgid == RISK_ITEM else f"[xx] {e.msgid}")
    result = verdict(root, "fr")
    assert result.status == BLOCKED
    assert result.reasons == (Reason(
        "untranslated", f"untranslated in required section 'risks': \"{RISK_ITEM}\"",
        "locales/fr/LC_MESSAGES/discogram.po", line_of(po, RISK_ITEM), "risks"),)


def test_fuzzy_disclaimer_entry_blocks(source_root):
    root = prepared(source_root, "de")
    po = fill(root, "de", "site", fuzzy=lambda e: e.msgid == "Medical Disclaimer")
    result = verdict(root, "de")
    assert result.status == BLOCKED
    assert [r.format() for r in result.reasons] == [
        f"locales/de/LC_MESSAGES/site.po:{line_of(po, 'Medical Disclaimer')}: blocked [fuzzy] fuzzy (needs a "
        "translator's confirmation) in required section 'disclaimer': \"Medical Disclaimer\""]


def test_script_in_a_risk_translation_blocks(source_root):
    root = prepared(source_root, "es")
    fill(root, "es", "discogram",
         translate=lambda e: "Infección <script>alert(document.cookie)</script>" if e.msgid == RISK_ITEM else f"[xx] {e.msgid}")
    result = verdict(root, "es")
    assert result.status == BLOCKED
    assert {(r.rule, r.check, r.section) for r in result.reasons} == {("qa-error", "markup", "risks")}


def test_renamed_placeholder_outside_required_sections_falls_back_to_english(source_root):
    root = prepared(source_root, "fr")
    updated = "Article last updated on: {date}."
    fill(root, "fr", "site", translate=lambda e: "Mis à jour le {datum}." if e.msgid == updated else f"[xx] {e.msgid}")
    result = verdict(root, "fr")
    assert result.status == PUBLISHED
    assert result.texts[("site/labels/updated", updated)].text == updated
    assert result.texts[("site/labels/updated", updated)].fallback is True
    assert result.texts[("site/labels/updated", updated)].why == "qa-error"
    assert result.coverage.fallback == 1


def test_untranslated_outside_required_sections_falls_back_until_the_threshold(source_root):
    root = prepared(source_root, "vi")
    # 9 of 47 messages (the whole procedure-overview and types... ) left empty: 80.9% stays publishable.
    empty = {"discogram/procedure-overview"}
    fill(root, "vi", "discogram", translate=lambda e: None if e.msgctxt in empty else f"[xx] {e.msgid}")
    result = verdict(root, "vi")
    assert (result.status, result.coverage.fallback, result.coverage.percent) == (PUBLISHED, 7, 85.1)
    empty.add("discogram/types")
    fill(root, "vi", "discogram", translate=lambda e: None if e.msgctxt in empty else f"[xx] {e.msgid}")
    result = verdict(root, "vi")
    assert result.status == BLOCKED
    assert [r.rule for r in result.reasons] == ["coverage"]
    assert result.reasons[0].message == ("only 72.3% of the article is translated (13 of 47 messages would fall "
                                         "back to English); the policy requires 80%")


def test_malformed_po_blocks_its_locale_only_with_the_parse_line(source_root):
    root = prepared(source_root, "fr", "de")
    po = root / "locales/fr/LC_MESSAGES/site.po"
    lines = po.read_text(encoding="utf-8").splitlines()
    target = lines.index('msgid "Medical Disclaimer"') + 1
    lines[target] = 'msgstr "Avertissement médical'  # unterminated string
    po.write_text("\n".join(lines) + "\n", encoding="utf-8")
    broken = verdict(root, "fr")
    assert broken.status == BLOCKED
    assert broken.reasons[0].rule == "malformed-po"
    assert (broken.reasons[0].path, broken.reasons[0].line) == ("locales/fr/LC_MESSAGES/site.po", target + 1)
    assert verdict(root, "de").status == PUBLISHED


def test_numbers_in_a_risk_sentence_are_gated(source_root):
    article = source_root / "source/articles/discogram.yaml"
    text = article.read_text(encoding="utf-8").replace(
        "          - Disc injury or herniation\n",
        "          - Disc injury or herniation\n          - Serious infection occurs in about 1 in 500 procedures\n"
        "          - Stop taking 5 mg of warfarin 2.5 days before the procedure\n")
    article.write_text(text, encoding="utf-8")
    root = prepared(source_root, "fr")
    translations = {
        "Serious infection occurs in about 1 in 500 procedures":
            "Une infection grave survient dans environ 1 cas sur 50",
        "Stop taking 5 mg of warfarin 2.5 days before the procedure":
            "Arrêtez de prendre 5 g de warfarine 2,5 jours avant l’examen",
    }
    po = fill(root, "fr", "discogram", translate=lambda e: translations.get(e.msgid, f"[xx] {e.msgid}"))
    result = verdict(root, "fr")
    assert result.status == BLOCKED
    rules = sorted((r.check, r.line) for r in result.reasons)
    first = line_of(po, "Serious infection occurs in about 1 in 500 procedures")
    second = line_of(po, "Stop taking 5 mg of warfarin 2.5 days before the procedure")
    assert ("numbers", first) in rules
    assert ("units", second) in rules
    # 2.5 -> 2,5 is French decimal typography: no numbers finding on the second sentence.
    assert ("numbers", second) not in rules


def test_french_decimal_comma_alone_passes(source_root):
    article = source_root / "source/articles/discogram.yaml"
    article.write_text(article.read_text(encoding="utf-8").replace(
        "          - Disc injury or herniation\n",
        "          - Disc injury or herniation\n          - Bleeding of more than 2.5 mL is rare\n"), encoding="utf-8")
    root = prepared(source_root, "fr")
    fill(root, "fr", "discogram", translate=lambda e: "Un saignement de plus de 2,5 mL est rare"
         if e.msgid.startswith("Bleeding of more") else f"[xx] {e.msgid}")
    assert verdict(root, "fr").status == PUBLISHED


def test_machine_drafted_header_sets_the_review_state(source_root):
    root = prepared(source_root, "ar")
    fill(root, "ar", "discogram", header={"X-Translation-Origin": "machine-drafted"})
    assert verdict(root, "ar").review_state == "machine-drafted"


def test_missing_catalogue_for_a_new_article_blocks_it(source_root):
    root = prepared(source_root, "fr")
    (root / "locales/fr/LC_MESSAGES/discogram.po").unlink()
    result = verdict(root, "fr")
    assert result.status == BLOCKED
    assert {r.rule for r in result.reasons} == {"missing-po", "coverage"}
    assert result.reasons[0].path == "locales/fr/LC_MESSAGES/discogram.po"


@pytest.mark.parametrize("policy, expected", [
    ('[tool.pipeline]\ncoverage_threshold = 90\n', BLOCKED),
    ('[tool.pipeline]\ncoverage_threshold = 80\n', PUBLISHED),
])
def test_coverage_threshold_is_configuration(source_root, policy, expected):
    (source_root / "pyproject.toml").write_text(policy, encoding="utf-8")
    root = prepared(source_root, "vi")
    fill(root, "vi", "discogram",
         translate=lambda e: None if e.msgctxt == "discogram/procedure-overview" else f"[xx] {e.msgid}")
    assert verdict(root, "vi").status == expected


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(" \t\n\u00a0\u200b\u200e\u2028\u3000\u202eaZ9[\u0627-\x00\x7f\U0001f600"),
               max_size=8) | st.text(max_size=8))
def test_blank_means_nothing_a_reader_can_see(text):
    import unicodedata

    from pipeline.gate import _blank

    reference = all(ch.isspace() or unicodedata.category(ch) in ("Cf", "Zs", "Zl", "Zp", "Cc") for ch in text)
    assert _blank(text) == reference


@pytest.mark.parametrize("site", ["translated", "fuzzy-disclaimer", "untranslated-label", "script-in-disclaimer"])
def test_a_locale_gate_reads_the_site_strings_once_and_gives_each_article_the_verdict_it_would_alone(
        source_root, monkeypatch, site):
    """LocaleGate reads the site strings' part of a verdict (a fifth of a bundle's messages) once
    a locale: every article's verdict, texts and findings in order included, is the one
    evaluate_bundle gives it reading them itself."""
    import pipeline.gate as gate
    from pipeline.gate import LocaleGate, bundle_messages, evaluate_bundle
    from pipeline.qa import read_domain

    article = source_root / "source/articles/discogram.yaml"
    (article.parent / "second.yaml").write_text(article.read_text(encoding="utf-8")
                                                .replace("id: discogram", "id: second"), encoding="utf-8")
    root = prepared(source_root, "fr")
    fill(root, "fr", "second", translate=lambda e: None if e.msgid == RISK_ITEM else f"[xx] {e.msgid}",
         fuzzy=lambda e: e.msgid.startswith("Purpose"))
    if site == "fuzzy-disclaimer":
        fill(root, "fr", "site", fuzzy=lambda e: e.msgid == "Medical Disclaimer")
    elif site == "untranslated-label":
        fill(root, "fr", "site", translate=lambda e: None if e.msgid == "Contents" else f"[xx] {e.msgid}")
    elif site == "script-in-disclaimer":
        fill(root, "fr", "site", translate=lambda e: f"<script>x</script> {e.msgid}" if e.msgid == DISCLAIMER_NEVER
             else f"[xx] {e.msgid}")
    project = Project.open(root)
    sources = load_sources(root, project.config.required_roles)
    made = []
    real = gate._site_part
    monkeypatch.setattr(gate, "_site_part", lambda *args: made.append(1) or real(*args))
    report = evaluate_locale(project, sources, parse_locale("fr"))
    assert len(made) == 1 and len(report.verdicts) == 2
    monkeypatch.setattr(gate, "_site_part", real)
    data_gate = LocaleGate(project, sources, None, False, locale=parse_locale("fr"))
    for shared in report.verdicts:
        article = sources.article(shared.article)
        read_domain(project, data_gate.data, article.id)
        alone = evaluate_bundle(sources, article, data_gate.data,
                                {d: data_gate.findings_of(d) for d in ("site", article.id)}, project.config)
        assert (shared.status, shared.reasons, shared.coverage, shared.review_state) == \
            (alone.status, alone.reasons, alone.coverage, alone.review_state)
        assert list(shared.texts.items()) == list(alone.texts.items())
        assert shared.findings == alone.findings
        # As the page shows them: the article's messages, then the site strings'.
        order: dict[str, int] = {}
        for message in bundle_messages(sources, article):
            order.setdefault(message.section, len(order))
        ranks = [order[r.section] for r in shared.reasons if r.section is not None]
        assert ranks == sorted(ranks)
    by_article = {v.article: v for v in report.verdicts}
    assert by_article["second"].status == BLOCKED
    assert [r.section for r in by_article["second"].reasons][-1] == ("disclaimer" if site in (
        "fuzzy-disclaimer", "script-in-disclaimer") else "risks")
    assert (by_article["discogram"].status == PUBLISHED) == (site in ("translated", "untranslated-label"))
