"""The shipped content, as `make build` leaves it: six complete locales published, pt-BR
blocked on its risks section, every translation honestly marked machine-drafted, and the
glossary guarding the disclaimer and the risks."""

from __future__ import annotations

import json

import pytest

from pipeline.catalog import read_po
from tests.translate import fill

COMPLETE = ["ar", "de", "es", "fr", "vi", "zh-Hans"]
NEVER = ("Never disregard professional medical advice or delay seeking it because of something you have "
         "read on this site.")


def test_check_finds_no_error_in_the_six_complete_locales(shipped_root, cli):
    result = cli("check", "--format", "json", *COMPLETE, root=shipped_root)
    assert result.exit_code == 0, result.stdout
    report = json.loads(result.stdout)
    assert [f for f in report["findings"] if f["severity"] == "error"] == []
    assert sorted(b["locale"] for b in report["bundles"] if b["status"] == "published") == COMPLETE


def test_build_publishes_the_six_and_blocks_pt_br_on_its_risks(shipped_root, cli):
    result = cli("build", root=shipped_root)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("7 published, 1 blocked")
    manifest = json.loads((shipped_root / "dist/manifest.json").read_text(encoding="utf-8"))
    status = {b["locale"]: b["status"] for b in manifest["bundles"]}
    assert status == {**{tag: "published" for tag in ["en", *COMPLETE]}, "pt-BR": "blocked"}
    pt = next(b for b in manifest["bundles"] if b["locale"] == "pt-BR")
    assert {(r["rule"], r["section"], r["path"]) for r in pt["reasons"]} == {
        ("untranslated", "risks", "locales/pt_BR/LC_MESSAGES/discogram.po")}
    assert len(pt["reasons"]) == 6  # the heading, the paragraph and the four risks
    assert not (shipped_root / "dist/pt-BR").exists()
    assert cli("build", "--strict", root=shipped_root).exit_code == 1


def test_every_shipped_translation_says_it_is_machine_drafted(shipped_root, cli):
    for po in sorted((shipped_root / "locales").glob("*/LC_MESSAGES/*.po")):
        catalog = read_po(po)
        assert catalog.meta("X-Translation-Origin") == "machine-drafted", po
        assert catalog.meta("Last-Translator") == "FULL NAME <EMAIL@ADDRESS>", po  # nobody invented
        assert "Machine-drafted translation: not yet reviewed by a person." in catalog.header_comment, po
    assert cli("build", root=shipped_root).exit_code == 0
    for tag in COMPLETE:
        bundle = json.loads((shipped_root / f"dist/{tag}/discogram.json").read_text(encoding="utf-8"))
        assert bundle["review"] == {"state": "machine-drafted"}
        page = (shipped_root / f"dist/{tag}/discogram.html").read_text(encoding="utf-8")
        note = bundle["labels"]["machine-drafted"]["text"]
        assert f'<p class="note" role="note">{note}</p>'.replace("'", "&#39;") in page


@pytest.mark.parametrize("tag, folder, changed", [
    # The negation dropped: "Never disregard..." shipped as its opposite.
    ("fr", "fr", ("Négligez un avis médical professionnel et tardez à le demander en raison de ce que vous "
                  "avez lu sur ce site.")),
    ("de", "de", None),
])
def test_a_dropped_negation_in_the_disclaimer_blocks(shipped_root, cli, tag, folder, changed):
    po = shipped_root / f"locales/{folder}/LC_MESSAGES/site.po"
    original = read_po(po).index()[("site/disclaimer", NEVER)].msgstr
    if changed is None:  # German: strip every negation word from the shipped sentence
        changed = " ".join(w for w in original.split() if w.lower().strip(",.") not in ("nie", "niemals", "nicht",
                                                                                        "kein", "keine"))
    assert changed != original
    fill(shipped_root, folder, "site", translate=lambda e: changed if e.msgid == NEVER else e.msgstr)
    result = cli("check", tag, root=shipped_root)
    assert result.exit_code == 1
    blocked = [line for line in result.stdout.splitlines() if "blocked [qa-error] [glossary]" in line]
    assert blocked and all("required section 'disclaimer'" in line for line in blocked)
    assert any("(a negation)" in line for line in blocked)


def test_a_lost_glossary_term_in_the_risks_blocks(shipped_root, cli):
    risk = "Allergic reactions to the contrast dye"
    fill(shipped_root, "fr", "discogram",
         translate=lambda e: "Réactions au produit de contraste" if e.msgid == risk else e.msgstr)
    result = cli("check", "fr", root=shipped_root)
    assert result.exit_code == 1
    assert any("blocked [qa-error] [glossary] glossary term 'Allergic reactions' in the source" in line
               and "in required section 'risks'" in line for line in result.stdout.splitlines())
