"""markup: tags, URLs, addresses, inline markup and template syntax as in the source; no script."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.checks import ERROR

from .conftest import findings_of
from .corpus import NNBSP, unit

FEEDBACK = "If you have any feedback, please write to <a href=\"mailto:team@example.org\">team@example.org</a>."
GUIDE = "Read the <b>full guide</b> at https://example.org/discogram."

GOOD = [
    ("fr", FEEDBACK, "Pour toute remarque, écrivez à <a href=\"mailto:team@example.org\">team@example.org</a>."),
    ("ar", FEEDBACK, "لأي ملاحظات، يُرجى الكتابة إلى <a href=\"mailto:team@example.org\">team@example.org</a>."),
    ("zh-Hans", GUIDE, "请访问https://example.org/discogram阅读<b>完整指南</b>。"),  # CJK right after the URL
    ("de", GUIDE, "Lesen Sie den <b>vollständigen Leitfaden</b> unter https://example.org/discogram."),
    ("fr", GUIDE, f"Lisez le <b>guide complet</b> sur https://example.org/discogram{NNBSP}!"),
    ("es", "Keep the **dose** as prescribed.", "Mantenga la **dosis** indicada."),
    ("vi", "See [the leaflet](/leaflets/discogram).", "Xem [tờ hướng dẫn](/leaflets/discogram)."),
    # Comparison signs are not tags.
    ("de", "a pressure < 140 mmHg", "ein Druck < 140 mmHg"),
    # French colons and question marks are not URLs; 'on' in words is not an event handler.
    ("fr", "Is the procedure painful?", f"L’examen est-il douloureux{NNBSP}?"),
    ("fr", "Information = advice", "Information = conseil"),
]

BAD = [
    ("fr", "Allergic reactions to the contrast dye",
     "Réactions allergiques au produit de contraste<script>alert(1)</script>",
     ["tag '</script>' in the translation is not in the source; a translation must never add <script>: remove it",
      "tag '<script>' in the translation is not in the source; a translation must never add <script>: remove it"]),
    ("de", "Allergic reactions to the contrast dye",
     "Allergische Reaktionen auf das Kontrastmittel<img src=x onerror=alert(1)>",
     ["tag '<img>' in the translation is not in the source; a translation must never add <img>: remove it",
      "event handler 'onerror=' in the translation is not in the source; it would run script: remove it"]),
    ("es", GUIDE, "Lea la <b>guía completa</b> en <a href=\"javascript:alert(1)\">https://example.org/discogram</a>.",
     ["tag '</a>' in the translation is not in the source; remove it",
      "tag '<a>' in the translation is not in the source; remove it",
      "'javascript:' URL in the translation is not in the source; it would run script: remove it"]),
    ("pt-BR", GUIDE, "Leia o guia completo em https://example.org/discogram.",
     ["tag '</b>' in the source is missing from the translation; copy it as it is",
      "tag '<b>' in the source is missing from the translation; copy it as it is"]),
    ("vi", GUIDE, "Đọc <b>hướng dẫn đầy đủ</b> tại https://evil.example/discogram.",
     ["URL 'https://example.org/discogram' in the source is missing from the translation; copy it as it is",
      "URL 'https://evil.example/discogram' in the translation is not in the source; remove it"]),
    ("ar", FEEDBACK, "لأي ملاحظات، يُرجى الكتابة إلى <a href=\"mailto:team@example.org\">team@exemple.org</a>.",
     ["e-mail address 'team@example.org' in the source is missing from the translation; copy it as it is",
      "e-mail address 'team@exemple.org' in the translation is not in the source; remove it"]),
    ("fr", "Article last updated on: {date}.", "Mis à jour le {{ 7*7 }} : {date}.",
     ["template syntax '{{ 7*7 }}' in the translation is not in the source; a template engine could run it: "
      "remove it"]),
    ("de", "Article last updated on: {date}.", "Aktualisiert am: {% include '/etc/passwd' %} {date}.",
     ["template syntax '{% include '/etc/passwd' %}' in the translation is not in the source; a template engine "
      "could run it: remove it"]),
    ("es", "Keep the **dose** as prescribed.", "Mantenga la dosis indicada.",
     ["0 emphasis markers ('**' or '__') in the translation, 2 in the source; keep the emphasis on the same words"]),
    ("vi", "See [the leaflet](/leaflets/discogram).", "Xem [tờ hướng dẫn](/vi/leaflets).",
     ["link target '/leaflets/discogram' in the source is missing from the translation; copy it as it is",
      "link target '/vi/leaflets' in the translation is not in the source; remove it"]),
]


@pytest.mark.parametrize(("tag", "source", "translation"), GOOD)
def test_markup_kept_passes(tag, source, translation):
    assert findings_of("markup", unit(tag, source, translation)) == []


@pytest.mark.parametrize(("tag", "source", "translation", "messages"), BAD)
def test_markup_changed_or_smuggled_is_an_error(tag, source, translation, messages):
    assert findings_of("markup", unit(tag, source, translation)) == [(ERROR, m) for m in messages]


@pytest.mark.parametrize("required", [True, False])
def test_script_is_an_error_in_every_section(required):
    hostile = "Réactions allergiques<SCRIPT SRC=//evil.example/x.js></SCRIPT>"
    assert findings_of("markup", unit("fr", "Allergic reactions", hostile, required=required)) == [
        (ERROR, "tag '</script>' in the translation is not in the source; a translation must never add <script>: "
                "remove it"),
        (ERROR, "tag '<script>' in the translation is not in the source; a translation must never add <script>: "
                "remove it"),
    ]


MARKER_ALPHABET = "ab <>@`=:/w.]([*_{%#}$ \nSCRIPTdata\tx"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=MARKER_ALPHABET, max_size=40) | st.text(max_size=40))
def test_the_fast_marker_test_agrees_with_the_pattern(text):
    from pipeline.checks.markup import _MARKERS, has_markers

    assert has_markers(text) == (_MARKERS.search(text) is not None)


# The letters of "script" and "data" in both cases and the characters the pattern also takes
# for them (ſ for s, ı and İ for i, K the Kelvin sign), spaces str.isspace() knows, colons.
SCRIPT_ALPHABET = "scriptdataSCRIPTDATAſıİK: \t\n\u00a0\u2003\x1c\x85x"


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet=SCRIPT_ALPHABET, max_size=30) | st.text(max_size=30))
def test_the_script_or_data_test_from_the_colons_agrees_with_the_pattern(text):
    from pipeline.checks.markup import _SCRIPT_OR_DATA, _script_or_data

    assert _script_or_data(text) == (_SCRIPT_OR_DATA.search(text) is not None)


@pytest.mark.parametrize("text", ["javascript:alert(1)", "DATA :text/html", "ſcrıpt:", "a data\u2003\u00a0: b",
                                  "scripts: no", "dat a: no", "script", ":data", "x script\n:"])
def test_the_script_or_data_test_on_examples(text):
    from pipeline.checks.markup import _SCRIPT_OR_DATA, _script_or_data

    assert _script_or_data(text) == (_SCRIPT_OR_DATA.search(text) is not None)
