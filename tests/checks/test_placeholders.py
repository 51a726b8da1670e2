"""placeholders: the source's {name} fields, none lost, none invented."""

from __future__ import annotations

import pytest

from pipeline.checks import ERROR

from .conftest import findings_of
from .corpus import NBSP, unit

SOURCE = "Article last updated on: {date}."

GOOD = [
    ("fr", f"Dernière mise à jour de l’article{NBSP}: {{date}}."),
    ("de", "Artikel zuletzt aktualisiert am: {date}."),
    ("es", "Última actualización del artículo: {date}."),
    ("pt-BR", "Artigo atualizado pela última vez em: {date}."),
    ("vi", "Bài viết được cập nhật lần cuối vào: {date}."),
    ("zh-Hans", "文章最后更新于：{date}。"),
    ("ar", "آخر تحديث للمقال: {date}."),
    ("ar", "{date} :آخر تحديث"),  # moved: order is free
]

BAD = [
    ("fr", f"Dernière mise à jour de l’article{NBSP}: {{datum}}.",  # renamed
     ["placeholder '{date}' is missing; the source has it, keep it as written",
      "placeholder '{datum}' is not in the source; placeholders must be copied, never translated or invented "
      "(source has: {date})"]),
    ("zh-Hans", "文章最后更新于：{日期}。",  # translated: not a placeholder any more
     ["placeholder '{date}' is missing; the source has it, keep it as written"]),
    ("de", "Artikel zuletzt aktualisiert.",
     ["placeholder '{date}' is missing; the source has it, keep it as written"]),
    ("es", "Última actualización: {date} por {author}.",
     ["placeholder '{author}' is not in the source; placeholders must be copied, never translated or invented "
      "(source has: {date})"]),
]


@pytest.mark.parametrize(("tag", "translation"), GOOD)
def test_placeholders_kept_pass(tag, translation):
    assert findings_of("placeholders", unit(tag, SOURCE, translation)) == []


@pytest.mark.parametrize(("tag", "translation", "messages"), BAD)
def test_placeholders_changed_are_errors(tag, translation, messages):
    assert findings_of("placeholders", unit(tag, SOURCE, translation)) == [(ERROR, m) for m in messages]


def test_escaped_braces_are_not_placeholders():
    assert findings_of("placeholders", unit("fr", "Use {{braces}} here", "Utilisez {{braces}} ici")) == []


def test_each_plural_form_is_checked():
    found = findings_of("placeholders", unit(
        "fr", "{count} day", "", source_plural="{count} days",
        translations=("{count} jour", "{nombre} jours", "{count} jours"), nplurals=3))
    assert found == [
        (ERROR, "placeholder '{count}' is missing (plural form 1); the source has it, keep it as written"),
        (ERROR, "placeholder '{nombre}' is not in the source (plural form 1); placeholders must be copied, never "
                "translated or invented (source has: {count})"),
    ]
