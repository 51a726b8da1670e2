"""Hostile translations: flagged by QA with exact findings, escaped in the page, never evaluated.

A translator (or a compromised translation tool) puts HTML, a script, a ``javascript:``
URL, template syntax, a bidirectional override (U+202E) and zero-width spaces into French
msgstrs of the minimal root. ``tests/test_html.py`` renders such texts straight through
the template; here they go through ``pipeline check`` and ``pipeline build``:

- QA names each one (markup and bidi in a required section are errors, zero-width
  characters and bidi elsewhere warnings);
- an error outside a required section sends the message back to English (``lang="en"``);
  a bidi override in a required section blocks the bundle;
- what reaches the page is text: escaped by the template, never run, never evaluated, even
  when the checks are switched off.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from fixtures.build.content import set_translation
from pipeline.build import build
from pipeline.project import Project

PO = "locales/fr/LC_MESSAGES/discogram.po"
SCRIPT = "<script>alert(document.domain)</script>"
HANDLER = '<b onmouseover="alert(document.domain)">Objectif</b>'
TEMPLATE = "L’objectif principal {{ 7*7 }} :"
JAVASCRIPT = '<a href="javascript:alert(document.domain)">Déterminer</a> si un disque cause la douleur'
BIDI = "Évaluer l’intégrité\u202e et la structure des disques"
ZERO_WIDTH = "Déroulement\u200b de l’examen"
ZERO_WIDTH_RISK = "Réactions\u200b allergiques au produit de contraste"
BIDI_RISK = "Infection ou saignement\u202e au point d’injection"

# English msgid -> hostile msgstr; none in a required section but the zero-width risk (a warning).
HOSTILE = {
    "Discogram Procedure": SCRIPT,
    "Purpose": HANDLER,
    "The primary purpose of a discogram is to:": TEMPLATE,
    "Determine if a specific intervertebral disc is causing pain": JAVASCRIPT,
    "Assess the integrity and structure of the spinal discs": BIDI,
    "Procedure Overview": ZERO_WIDTH,
    "Allergic reactions to the contrast dye": ZERO_WIDTH_RISK,
}
BIDI_WARNING = ("bidirectional control character U+202E RIGHT-TO-LEFT OVERRIDE in the translation (once, at "
                "character {at}); it can make the text display differently from what it says: remove it")


def hostile(root: Path, translations: dict[str, str] = HOSTILE) -> dict[str, int]:
    """Put the hostile translations into the French catalogue; their msgid lines, by English text."""
    return {msgid: set_translation(root, "fr", "discogram", msgid, text) for msgid, text in translations.items()}


def expected_findings(lines: dict[str, int]) -> list[str]:
    def at(msgid: str) -> str:
        return f"{PO}:{lines[msgid]}:"

    return [
        f"{at('Discogram Procedure')} error [markup] tag '</script>' in the translation is not in the source; "
        "a translation must never add <script>: remove it",
        f"{at('Discogram Procedure')} error [markup] tag '<script>' in the translation is not in the source; "
        "a translation must never add <script>: remove it",
        f"{at('Purpose')} error [markup] event handler 'onmouseover=' in the translation is not in the source; "
        "it would run script: remove it",
        f"{at('Purpose')} error [markup] tag '</b>' in the translation is not in the source; remove it",
        f"{at('Purpose')} error [markup] tag '<b>' in the translation is not in the source; remove it",
        f"{at('The primary purpose of a discogram is to:')} error [markup] template syntax '{{{{ 7*7 }}}}' in the "
        "translation is not in the source; a template engine could run it: remove it",
        f"{at('The primary purpose of a discogram is to:')} error [numbers] '7' in the translation is not in the "
        "source",
        f"{at('The primary purpose of a discogram is to:')} error [numbers] '7' in the translation is not in the "
        "source",
        f"{at('Determine if a specific intervertebral disc is causing pain')} error [markup] 'javascript:' URL in "
        "the translation is not in the source; it would run script: remove it",
        f"{at('Determine if a specific intervertebral disc is causing pain')} error [markup] tag '</a>' in the "
        "translation is not in the source; remove it",
        f"{at('Determine if a specific intervertebral disc is causing pain')} error [markup] tag '<a>' in the "
        "translation is not in the source; remove it",
        f"{at('Assess the integrity and structure of the spinal discs')} warning [control-characters] "
        + BIDI_WARNING.format(at=20),
        f"{at('Procedure Overview')} warning [control-characters] invisible character U+200B ZERO WIDTH SPACE in "
        "the translation (once, at character 12); remove it",
        f"{at('Allergic reactions to the contrast dye')} warning [control-characters] invisible character U+200B "
        "ZERO WIDTH SPACE in the translation (once, at character 10); remove it",
    ]


class _Elements(HTMLParser):
    """Every start tag of a page with its attributes, as a browser's tokenizer sees them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def assert_inert(html: str) -> None:
    """No script element, event handler, script URL or evaluated template anywhere in the page."""
    tags = _Elements(html).tags
    assert [tag for tag, _ in tags if tag in ("script", "b", "img", "iframe")] == []
    assert [attrs for _, attrs in tags if any(name.startswith("on") for name in attrs)] == []
    assert [attrs["href"] for tag, attrs in tags if tag == "a" and "script:" in (attrs.get("href") or "")] == []
    assert "49" not in html
    assert "<script" not in html


def page(root: Path, name: str = "fr/discogram.html") -> str:
    return (root / "dist" / name).read_text(encoding="utf-8")


def test_qa_names_every_hostile_translation(po_root: Path, cli) -> None:
    lines = hostile(po_root)
    result = cli("check", "fr", root=po_root)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        *expected_findings(lines),
        "fr discogram: PUBLISHED (coverage 84.6%, 4 fallback to English, unreviewed)",
        "1 published, 0 blocked",
    ]


def test_a_bidi_override_in_a_required_section_blocks_the_bundle(po_root: Path, cli) -> None:
    line = hostile(po_root, {"Infection or bleeding at the injection site": BIDI_RISK})[
        "Infection or bleeding at the injection site"]
    finding = BIDI_WARNING.format(at=24)
    check = cli("check", root=po_root)
    assert (check.exit_code, check.stderr) == (1, "")
    assert check.stdout.splitlines() == [
        f"{PO}:{line}: error [control-characters] {finding}",
        "de discogram: PUBLISHED (coverage 100%, 0 fallback to English, unreviewed)",
        "fr discogram: BLOCKED (coverage 96.2%, 1 fallback to English, unreviewed)",
        f"  {PO}:{line}: blocked [qa-error] [control-characters] {finding} in required section 'risks'",
        "1 published, 1 blocked",
    ]
    result = cli("build", root=po_root)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1] == (
        f"  blocked fr discogram: {PO}:{line}: [control-characters] {finding} in required section 'risks'")
    assert not (po_root / "dist/fr").exists()
    assert (po_root / "dist/de/discogram.html").is_file()


def test_the_built_page_shows_flagged_texts_in_english_and_the_rest_as_text(po_root: Path, cli) -> None:
    hostile(po_root)
    result = cli("build", "--strict", root=po_root)
    assert (result.exit_code, result.stderr) == (0, "")
    html = page(po_root)
    assert_inert(html)
    for fragment in [
        '<h1 lang="en" class="fallback"><span dir="ltr">Discogram Procedure</span></h1>',
        '<h2 id="purpose-heading" lang="en" class="fallback"><span dir="ltr">Purpose</span></h2>',
        '<p lang="en" class="fallback"><span dir="ltr">The primary purpose of a discogram is to:</span></p>',
        '<li lang="en" class="fallback"><span dir="ltr">Determine if a specific intervertebral disc is causing '
        'pain</span></li>',
        # warnings only: shown as the translator wrote them, the check having said so
        f"<li>{BIDI}</li>",
        f'<h2 id="procedure-overview-heading">{ZERO_WIDTH}</h2>',
        f"<li>{ZERO_WIDTH_RISK}</li>",
    ]:
        assert fragment in html
    for text in (SCRIPT, HANDLER, TEMPLATE, JAVASCRIPT, "javascript:", "onmouseover", "{{"):
        assert text not in html
    data = json.loads((po_root / "dist/fr/discogram.json").read_text(encoding="utf-8"))
    assert data["title"] == {"fallback": True, "fallback_reason": "qa-error", "lang": "en",
                             "text": "Discogram Procedure"}


@pytest.mark.parametrize("where", ["fr/discogram.html", "index.html"])
def test_with_every_check_off_the_page_still_escapes_everything(where: str, po_root: Path, monkeypatch) -> None:
    """Defence in depth: should a hostile text pass QA, the template shows it as text."""
    import pipeline.qa

    monkeypatch.setattr(pipeline.qa, "check_domain", lambda *args, **kwargs: {})
    hostile(po_root)
    build(Project.open(po_root))
    html = page(po_root, where)
    assert_inert(html)
    escaped_script = "&lt;script&gt;alert(document.domain)&lt;/script&gt;"
    if where == "index.html":
        assert f">{escaped_script}</a>" in html
        return
    for fragment in [
        f"<title>{escaped_script}</title>",
        f"<h1>{escaped_script}</h1>",
        '<h2 id="purpose-heading">&lt;b onmouseover=&#34;alert(document.domain)&#34;&gt;Objectif&lt;/b&gt;</h2>',
        "<p>L’objectif principal {{ 7*7 }} :</p>",
        "<li>&lt;a href=&#34;javascript:alert(document.domain)&#34;&gt;Déterminer&lt;/a&gt; si un disque cause la "
        "douleur</li>",
    ]:
        assert fragment in html
    data = json.loads((po_root / "dist/fr/discogram.json").read_text(encoding="utf-8"))
    assert data["title"]["text"] == SCRIPT  # the bundle keeps the data as written; escaping is the page's job
