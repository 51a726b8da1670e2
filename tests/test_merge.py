"""``update``: merging the templates into the PO files loses nothing.

The first half tests :func:`pipeline.merge.merge_catalog` on small catalogues; the
second runs ``pipeline extract`` + ``pipeline update`` on the shipped article, edited the
way a content editor edits it; the last test lets hypothesis do the editing.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import copy_root
from pipeline.catalog import Catalog, Entry, read_po, render_po, write_po
from pipeline.merge import merge_catalog
from pipeline.extract import extract
from pipeline.locales import parse_locale
from pipeline.project import Project
from pipeline.translations import update_locales
from test_extract import msgfmt_check

HEADER = (("Content-Type", "text/plain; charset=UTF-8"),)
RISKS = "discogram/risks"


def catalog(*entries: Entry, **meta: str) -> Catalog:
    return Catalog(tuple(entries), HEADER + tuple(meta.items()), "French translation.")


def template(*msgids: str, ctx: str = RISKS) -> Catalog:
    return catalog(*(Entry(m, msgctxt=ctx, extracted="Bullet-list item.", references=(f"a.yaml:{i}",))
                     for i, m in enumerate(msgids, start=60)))


def fr(msgid: str, msgstr: str, ctx: str = RISKS, **fields) -> Entry:
    return Entry(msgid, msgstr, msgctxt=ctx, **fields)


# ------------------------------------------------------------------ merge_catalog


def test_unchanged_english_keeps_its_translation() -> None:
    merged = merge_catalog(template("Nerve damage or irritation"),
                           catalog(fr("Nerve damage or irritation", "Lésion ou irritation nerveuse")))
    assert merged.entries == (Entry("Nerve damage or irritation", "Lésion ou irritation nerveuse", RISKS,
                                    extracted="Bullet-list item.", references=("a.yaml:60",)),)


def test_changed_english_becomes_fuzzy_with_the_previous_msgid() -> None:
    merged = merge_catalog(
        template("Nerve damage or nerve irritation"),
        catalog(fr("Nerve damage or irritation", "Lésion ou irritation nerveuse",
                   comment="Vérifié avec la notice.")))
    assert merged.entries == (Entry(
        "Nerve damage or nerve irritation", "Lésion ou irritation nerveuse", RISKS,
        flags=("fuzzy",), comment="Vérifié avec la notice.", extracted="Bullet-list item.",
        references=("a.yaml:60",), previous_msgid="Nerve damage or irritation"),)


def test_removed_english_becomes_obsolete() -> None:
    merged = merge_catalog(
        template("Infection or bleeding at the injection site"),
        catalog(fr("Infection or bleeding at the injection site", "Infection ou saignement au point d'injection"),
                fr("Disc injury or herniation", "Lésion ou hernie discale", comment="Terme validé.",
                   extracted="Bullet-list item.", references=("a.yaml:63",))))
    assert merged.entries[1:] == (
        Entry("Disc injury or herniation", "Lésion ou hernie discale", RISKS, comment="Terme validé.",
              obsolete=True),)


def test_an_untranslated_removed_entry_just_goes() -> None:
    merged = merge_catalog(template("Allergic reactions to the contrast dye"),
                           catalog(fr("Allergic reactions to the contrast dye", ""), fr("Disc injury or herniation", "")))
    assert [(e.msgid, e.obsolete) for e in merged.entries] == [("Allergic reactions to the contrast dye", False)]


def test_new_english_is_added_empty() -> None:
    merged = merge_catalog(
        template("Infection or bleeding at the injection site", "Headache after the procedure"),
        catalog(fr("Infection or bleeding at the injection site", "Infection ou saignement au point d'injection")))
    assert merged.entries[1] == Entry("Headache after the procedure", "", RISKS, extracted="Bullet-list item.",
                                      references=("a.yaml:61",))


def test_a_fuzzy_entry_changed_again_keeps_the_english_its_translation_was_made_for() -> None:
    first = merge_catalog(template("Nerve damage or nerve irritation"),
                          catalog(fr("Nerve damage or irritation", "Lésion ou irritation nerveuse")))
    second = merge_catalog(template("Nerve damage or severe nerve irritation"), first)
    assert [(e.msgid, e.msgstr, e.flags, e.previous_msgid) for e in second.entries] == [
        ("Nerve damage or severe nerve irritation", "Lésion ou irritation nerveuse", ("fuzzy",),
         "Nerve damage or irritation")]


def test_an_obsolete_entry_whose_english_comes_back_is_revived() -> None:
    gone = merge_catalog(template("Allergic reactions to the contrast dye"),
                         catalog(fr("Allergic reactions to the contrast dye", "Réactions allergiques au produit de contraste"),
                                 fr("Disc injury or herniation", "Lésion ou hernie discale")))
    assert [(e.msgid, e.obsolete) for e in gone.entries] == [
        ("Allergic reactions to the contrast dye", False), ("Disc injury or herniation", True)]
    back = merge_catalog(template("Allergic reactions to the contrast dye", "Disc injury or herniation"), gone)
    assert [(e.msgid, e.msgstr, e.flags, e.obsolete) for e in back.entries] == [
        ("Allergic reactions to the contrast dye", "Réactions allergiques au produit de contraste", (), False),
        ("Disc injury or herniation", "Lésion ou hernie discale", (), False),
    ]


def test_an_obsolete_translation_feeds_a_similar_new_message() -> None:
    merged = merge_catalog(template("Disc injury or disc herniation"),
                           catalog(fr("Disc injury or herniation", "Lésion ou hernie discale", obsolete=True)))
    assert [(e.msgid, e.msgstr, e.flags, e.previous_msgid, e.obsolete) for e in merged.entries] == [
        ("Disc injury or disc herniation", "Lésion ou hernie discale", ("fuzzy",), "Disc injury or herniation", False)]


def test_a_sentence_moved_to_another_section_keeps_its_translation_as_fuzzy() -> None:
    merged = merge_catalog(
        template("Take pain medication as directed by their doctor", ctx="discogram/risks"),
        catalog(fr("Take pain medication as directed by their doctor",
                   "Prendre les antalgiques prescrits par le médecin", ctx="discogram/post-procedure-care")))
    assert [(e.msgctxt, e.msgstr, e.flags, e.previous_msgctxt, e.previous_msgid) for e in merged.entries] == [
        ("discogram/risks", "Prendre les antalgiques prescrits par le médecin", ("fuzzy",),
         "discogram/post-procedure-care", "Take pain medication as directed by their doctor")]


def test_an_unrelated_sentence_is_not_a_fuzzy_match() -> None:
    merged = merge_catalog(template("Allergic reactions to the contrast dye"),
                           catalog(fr("Nerve damage or irritation", "Lésion ou irritation nerveuse")))
    assert [(e.msgid, e.msgstr, e.flags, e.obsolete) for e in merged.entries] == [
        ("Allergic reactions to the contrast dye", "", (), False),
        ("Nerve damage or irritation", "Lésion ou irritation nerveuse", (), True),
    ]


def test_merge_is_idempotent_and_keeps_the_header() -> None:
    pot = template("Nerve damage or nerve irritation", "Headache after the procedure")
    pot = replace(pot, metadata=pot.metadata + (("POT-Creation-Date", "2025-07-01 00:00+0000"),))
    po = catalog(fr("Nerve damage or irritation", "Lésion ou irritation nerveuse"),
                 fr("Disc injury or herniation", "Lésion ou hernie discale"),
                 Language="fr", **{"POT-Creation-Date": "2025-06-06 00:00+0000"})
    once = merge_catalog(pot, po)
    assert merge_catalog(pot, once) == once
    assert once.metadata == (("Content-Type", "text/plain; charset=UTF-8"), ("Language", "fr"),
                             ("POT-Creation-Date", "2025-07-01 00:00+0000"))
    assert once.header_comment == "French translation."


# ------------------------------------------------------------------ update on the shipped article

ARTICLE = "source/articles/discogram.yaml"
PO = "locales/fr/LC_MESSAGES/discogram.po"
FRENCH = {
    "Risks and Complications": "Risques et complications",
    "Infection or bleeding at the injection site": "Infection ou saignement au point d'injection",
    "Allergic reactions to the contrast dye": "Réactions allergiques au produit de contraste",
    "Nerve damage or irritation": "Lésion ou irritation nerveuse",
    "Disc injury or herniation": "Lésion ou hernie discale",
    "Purpose": "Objectif",
    "Conclusion": "Conclusion",
}
RISKS_COMMENT = (
    '#. Bullet-list item. In section "Risks and Complications". REQUIRED (role:\n'
    "#. risks): publication of this article in your language is blocked until this\n"
    "#. text is translated, not fuzzy and passes every error-level check.\n")


def translate(path: Path, comments: dict[str, str] | None = None) -> dict[tuple[str, str], str]:
    """Fill every entry: the French above where there is one, a marked draft elsewhere."""
    po = read_po(path)
    entries = []
    for e in po.entries:
        msgstr = e.msgstr or FRENCH.get(e.msgid, f"[fr] {e.msgid}")
        entries.append(replace(e, msgstr=msgstr, comment=(comments or {}).get(e.msgid, e.comment)))
    write_po(path, replace(po, entries=tuple(entries)))
    return {e.key: e.msgstr for e in entries}


@pytest.fixture
def translated(source_root: Path, cli, monkeypatch) -> Path:
    """The shipped source, extracted, with a French locale translated in full."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert cli("extract", root=source_root).exit_code == 0
    assert cli("init", "fr", root=source_root).exit_code == 0
    translate(source_root / PO, {"Nerve damage or irritation": "Terme validé avec le glossaire."})
    translate(source_root / "locales/fr/LC_MESSAGES/site.po")
    return source_root


def edit(root: Path, old: str, new: str) -> None:
    article = root / ARTICLE
    text = article.read_text()
    assert text.count(old) == 1, old
    article.write_text(text.replace(old, new))


def extract_and_update(root: Path, cli, *locales: str) -> tuple[str, str, int]:
    assert cli("extract", root=root).exit_code == 0
    result = cli("update", *locales, root=root)
    return result.stdout, result.stderr, result.exit_code


def block(text: str, msgid_line: str) -> str:
    """The whole entry (comments to msgstr) whose msgid line is ``msgid_line``."""
    for chunk in text.split("\n\n"):
        if msgid_line in chunk.split("\n"):
            return chunk + "\n"
    raise AssertionError(f"no entry with {msgid_line}")


def test_changed_english_through_the_cli(translated: Path, cli) -> None:
    edit(translated, "- Nerve damage or irritation", "- Nerve damage or nerve irritation")
    assert extract_and_update(translated, cli) == ("updated locales/fr/LC_MESSAGES/discogram.po\n", "", 0)
    assert block((translated / PO).read_text(), 'msgid "Nerve damage or nerve irritation"') == (
        "# Terme validé avec le glossaire.\n"
        + RISKS_COMMENT
        + f"#: {ARTICLE}:62\n"
        "#, fuzzy\n"
        '#| msgid "Nerve damage or irritation"\n'
        'msgctxt "discogram/risks"\n'
        'msgid "Nerve damage or nerve irritation"\n'
        'msgstr "Lésion ou irritation nerveuse"\n')
    msgfmt_check(translated / PO)


def test_removed_then_restored_english_through_the_cli(translated: Path, cli) -> None:
    edit(translated, "          - Disc injury or herniation\n", "")
    extract_and_update(translated, cli)
    text = (translated / PO).read_text()
    assert text.endswith(
        "\n\n"
        '#~ msgctxt "discogram/risks"\n'
        '#~ msgid "Disc injury or herniation"\n'
        '#~ msgstr "Lésion ou hernie discale"\n')
    msgfmt_check(translated / PO)
    edit(translated, "          - Nerve damage or irritation\n",
         "          - Nerve damage or irritation\n          - Disc injury or herniation\n")
    extract_and_update(translated, cli)
    text = (translated / PO).read_text()
    assert "#~" not in text
    assert block(text, 'msgid "Disc injury or herniation"') == (
        RISKS_COMMENT + f"#: {ARTICLE}:63\n"
        'msgctxt "discogram/risks"\nmsgid "Disc injury or herniation"\nmsgstr "Lésion ou hernie discale"\n')


def snapshot(path: Path) -> dict[tuple[str, str], tuple]:
    """Every entry without its references (line numbers move when text is inserted above)."""
    return {e.key: (e.msgstr, e.flags, e.comment, e.extracted, e.previous_msgid, e.obsolete)
            for e in read_po(path).entries}


def test_inserting_and_moving_text_within_a_section_disturbs_no_other_entry(translated: Path, cli) -> None:
    before = snapshot(translated / PO)
    # a new paragraph at the top of the risks section, and two list items swapped
    edit(translated, "      - paragraph: >-\n          As with any invasive",
         "      - paragraph: Serious complications are rare.\n      - paragraph: >-\n          As with any invasive")
    edit(translated, "          - Nerve damage or irritation\n          - Disc injury or herniation\n",
         "          - Disc injury or herniation\n          - Nerve damage or irritation\n")
    # and, in post-procedure-care, a list item moved above the paragraph that introduces the list
    edit(translated, '      - paragraph: "After a discogram, patients are typically advised to:"\n      - list:\n'
         "          - Avoid heavy lifting, bending, or strenuous activities for several days\n"
         "          - Take pain medication as directed by their doctor\n",
         "      - list:\n          - Take pain medication as directed by their doctor\n"
         '      - paragraph: "After a discogram, patients are typically advised to:"\n      - list:\n'
         "          - Avoid heavy lifting, bending, or strenuous activities for several days\n")
    assert extract_and_update(translated, cli)[2] == 0
    after = snapshot(translated / PO)
    new = after.pop((RISKS, "Serious complications are rare."))
    assert (new[0], new[1], new[2], " ".join(new[3].splitlines()), new[4], new[5]) == (
        "", (), "", 'Paragraph. In section "Risks and Complications". REQUIRED (role: risks): publication of this '
        "article in your language is blocked until this text is translated, not fuzzy and passes every "
        "error-level check.", None, False)
    assert after == before
    assert [e.msgid for e in read_po(translated / PO).entries if e.msgctxt == RISKS] == [
        "Risks and Complications",
        "Serious complications are rare.",
        "As with any invasive medical procedure, there are potential risks and complications associated with a "
        "discogram, including:",
        "Infection or bleeding at the injection site",
        "Allergic reactions to the contrast dye",
        "Disc injury or herniation",
        "Nerve damage or irritation",
    ]


def test_a_new_entry_is_added_empty_in_source_order(translated: Path, cli) -> None:
    edit(translated, "          - Disc injury or herniation\n",
         "          - Disc injury or herniation\n          - Headache for a few hours after the procedure\n")
    extract_and_update(translated, cli)
    assert block((translated / PO).read_text(), 'msgid "Headache for a few hours after the procedure"') == (
        RISKS_COMMENT + f"#: {ARTICLE}:64\n"
        'msgctxt "discogram/risks"\nmsgid "Headache for a few hours after the procedure"\nmsgstr ""\n')


def test_a_second_update_rewrites_nothing(translated: Path, cli) -> None:
    edit(translated, "- Nerve damage or irritation", "- Nerve damage or nerve irritation")
    extract_and_update(translated, cli)
    pos = sorted((translated / "locales/fr/LC_MESSAGES").glob("*.po"))
    for path in pos:
        os.utime(path, ns=(10**18, 10**18))
    assert extract_and_update(translated, cli) == ("catalogues are up to date\n", "", 0)
    assert [p.stat().st_mtime_ns for p in pos] == [10**18, 10**18]


def test_a_malformed_po_is_reported_and_the_others_still_updated(translated: Path, cli) -> None:
    assert cli("init", "de", root=translated).exit_code == 0
    site = translated / "locales/fr/LC_MESSAGES/site.po"
    lines = site.read_text().split("\n")
    line = lines.index('msgid "Contents"') + 2  # the msgstr line below it, counted from 1
    assert lines[line - 1] == 'msgstr "[fr] Contents"'
    lines[line - 1] = 'msgstr "[fr] Contents'  # the closing quote lost
    site.write_text("\n".join(lines))
    damaged = site.read_bytes()
    edit(translated, "- Nerve damage or irritation", "- Nerve damage or nerve irritation")
    stdout, stderr, code = extract_and_update(translated, cli)
    assert (code, stdout, stderr.splitlines()) == (2, (
        "updated locales/de/LC_MESSAGES/discogram.po\n"
        "updated locales/fr/LC_MESSAGES/discogram.po\n"), [
        f'locales/fr/LC_MESSAGES/site.po:{line}: error: invalid PO file: unterminated string: the closing " is missing',
        "  hint: check the quoting near this line (msgfmt --check-format FILE shows more)",
    ])
    assert site.read_bytes() == damaged  # left alone for the translator to mend
    assert "Traceback" not in stderr


def test_update_named_locales(translated: Path, cli) -> None:
    assert cli("init", "pt_BR", root=translated).exit_code == 0
    edit(translated, "- Nerve damage or irritation", "- Nerve damage or nerve irritation")
    assert extract_and_update(translated, cli, "pt-br") == ("updated locales/pt_BR/LC_MESSAGES/discogram.po\n", "", 0)
    result = cli("update", "de", root=translated)
    assert (result.exit_code, result.stderr.splitlines()) == (2, [
        "error: no catalogues for locale 'de' (looked in locales/de)",
        "  hint: create them with: pipeline init de",
    ])


def test_update_creates_the_po_of_a_new_domain(translated: Path, cli) -> None:
    edit(translated, "- Nerve damage or irritation", "- Nerve damage or nerve irritation")
    (translated / "source/articles/lumbar-puncture.yaml").write_text(
        (translated / ARTICLE).read_text().replace("id: discogram", "id: lumbar-puncture"))
    stdout, stderr, code = extract_and_update(translated, cli)
    assert (code, stdout, stderr) == (0, (
        "created locales/fr/LC_MESSAGES/lumbar-puncture.po\n"
        "updated locales/fr/LC_MESSAGES/discogram.po\n"), "")
    msgfmt_check(translated / "locales/fr/LC_MESSAGES/lumbar-puncture.po")


# ------------------------------------------------------------------ the property: nothing is ever lost

VOCABULARY = ["Fever after the procedure", "Headache for a few hours", "Call your doctor if the pain gets worse",
              "Rest for the remainder of the day", "Nerve damage", "Disc infection (discitis)"]


def text_slots(article: dict) -> list[tuple[list, int]]:
    """(container, index) of every piece of text a content editor may change."""
    slots: list[tuple[list, int]] = []
    for section in article["sections"]:
        for block_ in section["body"]:
            (kind, value), = block_.items()
            if kind == "paragraph":
                slots.append((section["body"], section["body"].index(block_)))
            elif kind in ("list", "steps"):
                slots.extend((value, i) for i in range(len(value)))
    return slots


def get_text(container: list, index: int) -> str:
    item = container[index]
    return item["paragraph"] if isinstance(item, dict) else item


def set_text(container: list, index: int, text: str) -> None:
    if isinstance(container[index], dict):
        container[index] = {"paragraph": text}
    else:
        container[index] = text


@st.composite
def edited(draw, article: dict) -> dict:
    """The article after one random edit: change, insert, delete or move a paragraph or a list item."""
    sections = article["sections"]
    action = draw(st.sampled_from(["change", "insert", "delete", "move", "move-across"]))
    slots = text_slots(article)
    if action == "change":
        container, index = draw(st.sampled_from(slots))
        words = get_text(container, index).split()
        how = draw(st.sampled_from(["append", "drop", "replace"]))
        if how == "append":
            words.append(draw(st.sampled_from(["again", "as well", "(rare)"])))
        elif how == "drop" and len(words) > 2:
            del words[draw(st.integers(0, len(words) - 1))]
        else:
            words = draw(st.sampled_from(VOCABULARY)).split()
        set_text(container, index, " ".join(words))
    elif action == "insert":
        section = draw(st.sampled_from(sections))
        text = draw(st.sampled_from(VOCABULARY))
        lists = [b["list"] for b in section["body"] if "list" in b]
        if lists and draw(st.booleans()):
            items = draw(st.sampled_from(lists))
            items.insert(draw(st.integers(0, len(items))), text)
        else:
            section["body"].insert(draw(st.integers(0, len(section["body"]))), {"paragraph": text})
    elif action == "delete":
        container, index = draw(st.sampled_from(slots))
        owner = next(s for s in sections if container is s["body"] or any(
            container is next(iter(b.values())) for b in s["body"]))
        if len(container) > 1:
            del container[index]
        elif len(owner["body"]) > 1:  # the last item of a list: the list goes
            owner["body"] = [b for b in owner["body"] if next(iter(b.values())) is not container]
    else:
        container, index = draw(st.sampled_from(slots))
        item = container.pop(index)
        if action == "move" or isinstance(item, str):
            container.insert(draw(st.integers(0, len(container))), item)
        else:  # a paragraph to another section
            target = draw(st.sampled_from(sections))["body"]
            target.insert(draw(st.integers(0, len(target))), item)
        for section in sections:  # a section emptied by the move gets a paragraph back
            if not section["body"]:
                section["body"].append({"paragraph": "See your doctor"})
    return article


def all_translations(path: Path) -> set[str]:
    return {e.msgstr for e in read_po(path).entries if e.msgstr}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_edits_never_lose_a_translation(data) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_root(Path(tmp) / "root", locales=False)
        project = Project.open(root)
        fr_locale = parse_locale("fr")
        extract(project)
        from pipeline.translations import init_locale

        init_locale(project, fr_locale)
        po = project.po_path(fr_locale, "discogram")
        translate(po)
        ever: set[str] = set()
        article_path = root / ARTICLE
        for _ in range(data.draw(st.integers(1, 3), label="rounds")):
            ever |= all_translations(po)
            article = yaml.safe_load(article_path.read_text())
            for _ in range(data.draw(st.integers(1, 3), label="edits")):
                article = data.draw(edited(article))
            article_path.write_text(yaml.safe_dump(article, sort_keys=False, allow_unicode=True, width=1000))
            extract(project)
            result = update_locales(project, [fr_locale])
            assert result.problems == ()
            kept = all_translations(po)
            assert sorted(ever - kept) == []
            translate(po)  # the translator catches up before the next round of edits
        assert render_po(read_po(po)) == po.read_text()
