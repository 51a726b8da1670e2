"""``pipeline status``: translated, fuzzy and untranslated per locale and section, required sections marked."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.catalog import read_po, write_po
from pipeline.locales import parse_locale
from pipeline.project import Project
from pipeline.source import load_sources
from pipeline.status import SectionStatus, locale_status

# msgid -> (msgstr, fuzzy)
DISCOGRAM_FR = {
    "Discogram Procedure": ("Discographie", False),
    "Purpose": ("Objectif", False),
    # fuzzy without a translation counts as untranslated, as msgfmt --statistics counts it
    "The primary purpose of a discogram is to:": ("", True),
    "Risks and Complications": ("Risques et complications", False),
    "As with any invasive medical procedure, there are potential risks and complications associated with a "
    "discogram, including:": ("Comme pour toute intervention médicale invasive, la discographie comporte des "
                              "risques et des complications possibles, notamment :", False),
    "Infection or bleeding at the injection site": ("Infection ou saignement au point d'injection", False),
    "Allergic reactions to the contrast dye": ("Réactions allergiques au produit de contraste", False),
    "Nerve damage or irritation": ("Lésion nerveuse", True),
}
SITE_FR = {
    "Medical Disclaimer": ("Avertissement médical", False),
    "The information provided is not intended to be a substitute for professional medical advice, diagnosis, or "
    "treatment.": ("Les informations fournies ne remplacent pas un avis médical professionnel, un diagnostic ou "
                   "un traitement.", False),
    "Always seek the advice of a physician or other qualified health provider with any questions you may have "
    "regarding a medical condition.": ("Demandez toujours l'avis d'un médecin ou d'un autre professionnel de "
                                       "santé qualifié pour toute question sur un problème médical.", False),
    "Never disregard professional medical advice or delay seeking it because of something you have read on this "
    "site.": ("Ne négligez jamais un avis médical professionnel et ne tardez jamais à le demander en raison de ce "
              "que vous avez lu sur ce site.", False),
    "We do not guarantee, and assume no legal liability or responsibility for the accuracy, currency, or "
    "completeness of the information provided.": ("Nous ne garantissons pas l'exactitude, l'actualité ni "
                                                  "l'exhaustivité des informations fournies et déclinons toute "
                                                  "responsabilité à cet égard.", False),
    "Contents": ("Sommaire", False),
}


def fill(path: Path, translations: dict[str, tuple[str, bool]]) -> None:
    po = read_po(path)
    entries = []
    for e in po.entries:
        if e.msgid in translations:
            msgstr, fuzzy = translations[e.msgid]
            e = replace(e, msgstr=msgstr, flags=e.flags + (("fuzzy",) if fuzzy else ()))
        entries.append(e)
    write_po(path, replace(po, entries=tuple(entries)))


@pytest.fixture
def root(source_root: Path, cli) -> Path:
    assert cli("extract", root=source_root).exit_code == 0
    assert cli("init", "fr", root=source_root).exit_code == 0
    fill(source_root / "locales/fr/LC_MESSAGES/discogram.po", DISCOGRAM_FR)
    fill(source_root / "locales/fr/LC_MESSAGES/site.po", SITE_FR)
    return source_root


def row(domain: str, section: str, role: str | None, required: bool, t: int, f: int, u: int, percent: float,
        locale: str = "fr") -> dict:
    return {"locale": locale, "domain": domain, "section": section, "role": role, "required": required,
            "translated": t, "fuzzy": f, "untranslated": u, "total": t + f + u, "percent": percent}


FR_ROWS = [
    row("site", "disclaimer", "disclaimer", True, 5, 0, 0, 100.0),
    row("site", "labels", None, False, 1, 0, 7, 12.5),
    row("discogram", "title", None, False, 1, 0, 0, 100.0),
    row("discogram", "introduction", None, False, 0, 0, 1, 0.0),
    row("discogram", "purpose", None, False, 1, 0, 4, 20.0),
    row("discogram", "procedure-overview", None, False, 0, 0, 7, 0.0),
    row("discogram", "types", None, False, 0, 0, 6, 0.0),
    row("discogram", "risks", "risks", True, 4, 1, 1, 66.7),
    row("discogram", "post-procedure-care", None, False, 0, 0, 5, 0.0),
    row("discogram", "conclusion", "summary", False, 0, 0, 3, 0.0),
]


def test_status_json(root: Path, cli) -> None:
    result = cli("status", "--format", "json", root=root)
    assert (result.exit_code, result.stderr) == (0, "")
    assert json.loads(result.stdout) == {"locales": FR_ROWS}
    assert result.stdout == json.dumps({"locales": FR_ROWS}, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def test_status_table(root: Path, cli) -> None:
    result = cli("status", root=root)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "locale  domain     section              translated  fuzzy  untranslated  done\n"
        "------  ---------  -------------------  ----------  -----  ------------  ------\n"
        "fr      site       disclaimer *                  5      0             0  100.0%\n"
        "fr      site       labels                        1      0             7   12.5%\n"
        "fr      discogram  title                         1      0             0  100.0%\n"
        "fr      discogram  introduction                  0      0             1    0.0%\n"
        "fr      discogram  purpose                       1      0             4   20.0%\n"
        "fr      discogram  procedure-overview            0      0             7    0.0%\n"
        "fr      discogram  types                         0      0             6    0.0%\n"
        "fr      discogram  risks *                       4      1             1   66.7%\n"
        "fr      discogram  post-procedure-care           0      0             5    0.0%\n"
        "fr      discogram  conclusion                    0      0             3    0.0%\n"
        "* required section: publication is blocked until it is complete\n")


def test_status_per_locale(root: Path, cli) -> None:
    assert cli("init", "pt-BR", root=root).exit_code == 0
    result = cli("status", "--format", "json", root=root)
    pt_rows = [row(r["domain"], r["section"], r["role"], r["required"], 0, 0, r["total"], 0.0, locale="pt-BR")
               for r in FR_ROWS]
    assert json.loads(result.stdout) == {"locales": FR_ROWS + pt_rows}
    only = json.loads(cli("status", "pt_br", "--format", "json", root=root).stdout)
    assert only == {"locales": pt_rows}


def test_required_roles_come_from_the_config(root: Path, cli) -> None:
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('required_roles = ["disclaimer", "risks"]',
                                                       'required_roles = ["disclaimer", "risks", "summary"]'))
    rows = json.loads(cli("status", "--format", "json", root=root).stdout)["locales"]
    assert [(r["section"], r["required"]) for r in rows if r["required"]] == [
        ("disclaimer", True), ("risks", True), ("conclusion", True)]


def test_locale_status_core(root: Path) -> None:
    project = Project.open(root)
    rows, problems = locale_status(project, load_sources(root), parse_locale("fr"))
    assert (rows[7], problems) == (SectionStatus("fr", "discogram", "risks", "risks", True, 4, 1, 1), [])
    assert (rows[7].total, rows[7].percent) == (6, 66.7)
    assert SectionStatus("fr", "site", "labels", None, False, 0, 0, 0).percent == 100.0  # nothing to translate


def test_a_missing_or_broken_po_counts_as_untranslated_with_a_warning(root: Path, cli) -> None:
    (root / "locales/fr/LC_MESSAGES/site.po").write_text('msgid ""\nmsgstr "\n')
    (root / "locales/fr/LC_MESSAGES/discogram.po").unlink()
    result = cli("status", "--format", "json", root=root)
    assert (result.exit_code, result.stderr.splitlines()) == (0, [
        'locales/fr/LC_MESSAGES/site.po:2: warning: invalid PO file: unterminated string: the closing " is missing',
        "  hint: check the quoting near this line (msgfmt --check-format FILE shows more)",
    ])
    rows = json.loads(result.stdout)["locales"]
    assert [(r["section"], r["translated"], r["untranslated"]) for r in rows] == [
        (r["section"], 0, r["total"]) for r in FR_ROWS]


def test_status_without_locales(source_root: Path, cli) -> None:
    result = cli("status", root=source_root)
    assert (result.exit_code, result.stdout) == (0, "no locales yet: create one with 'pipeline init LOCALE'\n")
    result = cli("status", "--format", "json", root=source_root)
    assert (result.exit_code, json.loads(result.stdout)) == (0, {"locales": []})


def test_the_table_spooled_a_row_at_a_time_is_the_table_made_whole(root: Path, cli, monkeypatch) -> None:
    """Every locale's rows, a broken PO file's warning before them, chunks of three rows: the
    bytes the command gave when it made the table whole (``table`` over every row)."""
    from pipeline.cli.common import SpooledTable, table

    for tag in ("pt-BR", "ar", "de"):
        assert cli("init", tag, root=root).exit_code == 0
    (root / "locales/de/LC_MESSAGES/site.po").write_text('msgid ""\nmsgstr "\n')
    project = Project.open(root)
    sources = load_sources(root)
    rows = [r for folder in ("ar", "de", "fr", "pt_BR")
            for r in locale_status(project, sources, parse_locale(folder))[0]]
    whole = table(["locale", "domain", "section", "translated", "fuzzy", "untranslated", "done"],
                  [[r.locale, r.domain, r.section + (" *" if r.required else ""), str(r.translated), str(r.fuzzy),
                    str(r.untranslated), f"{r.percent:.1f}%"] for r in rows])
    monkeypatch.setattr(SpooledTable, "CHUNK", 3)
    result = cli("status", root=root)
    assert (result.exit_code, result.stderr.splitlines()[0]) == (
        0, 'locales/de/LC_MESSAGES/site.po:2: warning: invalid PO file: unterminated string: the closing " is missing')
    assert len(rows) == 40 and result.stdout == (
        whole + "\n* required section: publication is blocked until it is complete\n")


@pytest.mark.parametrize("count", [0, 1, 2, 3, 7])
def test_a_spooled_table_echoes_what_table_gives(count: int, capsys, monkeypatch) -> None:
    """Any number of rows against the chunk size (none, fewer, one chunk exactly, more)."""
    from pipeline.cli.common import SpooledTable, table

    headers = ["locale", "section", "done"]
    rows = [[f"l{n}", "x" * (n * 3 % 11), f"{n * 7.5:.1f}%"] for n in range(count)]
    monkeypatch.setattr(SpooledTable, "CHUNK", 3)
    with SpooledTable(headers) as spooled:
        for r in rows:
            spooled.add(r)
        spooled.echo()
    assert capsys.readouterr().out == table(headers, rows) + "\n"


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_status_in_workers_prints_what_it_prints_in_process(root: Path, cli, monkeypatch, fmt) -> None:
    """status runs a locale a job, in worker processes when there are enough bundles, each loading
    its articles one at a time; the JSON is written an item at a time. The output is the same."""
    import pipeline.build

    assert cli("init", "pt-BR", root=root).exit_code == 0
    alone = cli("status", "--format", fmt, root=root)
    monkeypatch.setattr(pipeline.build, "PARALLEL_MIN", 1)  # workers even for these 4 bundles
    workers = cli("status", "--format", fmt, root=root)
    assert (workers.exit_code, workers.stdout, workers.stderr) == (alone.exit_code, alone.stdout, alone.stderr)
    assert "pt-BR" in workers.stdout and "fr" in workers.stdout
    if fmt == "json":
        assert workers.stdout == json.dumps(json.loads(workers.stdout), ensure_ascii=False, indent=2,
                                            sort_keys=True) + "\n"
