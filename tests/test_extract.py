"""``pipeline extract``: golden templates, contexts, comments, references, determinism, the whole seed.

The golden files in ``tests/golden/`` are the templates of the shipped content. After an
intended change to the source or to extraction, regenerate them (and read the diff):

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_extract.py
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.catalog import Entry, read_po
from pipeline.extract import BRACE_FORMAT, build_template, creation_date
from pipeline.project import Project
from pipeline.source import load_sources

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
GOLDEN = TESTS / "golden"
SEED = TESTS / "fixtures" / "sources" / "seed" / "000_16e96fdd9e177186.txt"
# The seed as it was handed over, outside the repository; only compared when present.
SHARED_SEED = REPO.parent / "shared" / "seeds" / SEED.name
ARTICLE = "source/articles/discogram.yaml"
RISKS_NOTE = ("REQUIRED (role: risks): publication of this article in your language is blocked until this "
              "text is translated, not fuzzy and passes every error-level check.")
DISCLAIMER_NOTE = ("The medical disclaimer shown on every article. REQUIRED (role: disclaimer): publication of "
                   "every article in your language is blocked until this text is translated, not fuzzy and "
                   "passes every error-level check.")
DOMAINS = ("discogram", "site")


def msgfmt_check(path: Path) -> None:
    """``msgfmt --check`` must accept the file (warnings about placeholder headers are fine)."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt is not installed (apt-get install gettext); .ci/run installs it")
    done = subprocess.run([msgfmt, "--check", "-o", os.devnull, str(path)], capture_output=True, text=True)
    assert (done.returncode, [line for line in done.stderr.splitlines() if "warning:" not in line]) == (0, [])


@pytest.fixture
def extracted(source_root: Path, cli, monkeypatch) -> Path:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    result = cli("extract", root=source_root)
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, "wrote locales/site.pot\nwrote locales/discogram.pot\n", "")
    return source_root


@pytest.mark.parametrize("domain", DOMAINS)
def test_golden_template(domain: str, extracted: Path) -> None:
    produced = (extracted / "locales" / f"{domain}.pot").read_bytes()
    golden = GOLDEN / f"{domain}.pot"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_bytes(produced)
        pytest.skip(f"rewrote {golden.relative_to(REPO)}")
    assert produced.decode() == golden.read_text(encoding="utf-8")
    assert produced == golden.read_bytes()


@pytest.mark.parametrize("domain", DOMAINS)
def test_committed_templates_are_up_to_date(domain: str) -> None:
    """locales/*.pot in the repository is what 'pipeline extract' writes (the golden file)."""
    assert (REPO / "locales" / f"{domain}.pot").read_bytes() == (GOLDEN / f"{domain}.pot").read_bytes()


def comment(found: Entry) -> str:
    """The ``#.`` comment as one line (the file wraps it at 78 columns, never inside a word)."""
    return " ".join(found.extracted.splitlines())


def entry(path: Path, msgctxt: str, msgid: str) -> Entry:
    found = [e for e in read_po(path).entries if e.msgctxt == msgctxt and e.msgid == msgid]
    assert len(found) == 1
    return found[0]


def test_risks_item_entry(extracted: Path) -> None:
    found = entry(extracted / "locales/discogram.pot", "discogram/risks", "Nerve damage or irritation")
    assert (comment(found), found.references, found.flags, found.msgstr) == (
        f'Bullet-list item. In section "Risks and Complications". {RISKS_NOTE}', (f"{ARTICLE}:62",), (), "")


def test_entry_text_in_the_template_file(extracted: Path) -> None:
    """The exact bytes a translator's editor shows, wrapping included."""
    text = (extracted / "locales/discogram.pot").read_text()
    assert (
        '#. Numbered step. In section "Procedure Overview".\n'
        f"#: {ARTICLE}:29\n"
        'msgctxt "discogram/procedure-overview"\n'
        'msgid ""\n'
        '"A contrast dye is injected into the targeted spinal disc using a needle "\n'
        '"guided by fluoroscopy (live X-ray imaging)"\n'
        'msgstr ""\n'
    ) in text


def test_definition_names_its_term(extracted: Path) -> None:
    found = entry(extracted / "locales/discogram.pot", "discogram/types",
                  "This involves injecting a contrast dye into the spinal disc to visualize its structure and "
                  "integrity")
    assert (comment(found), found.references) == (
        'Definition of a term. In section "Types of Discograms". '
        'It defines the term "Discography with contrast dye injection only".', (f"{ARTICLE}:43",))


def test_title_and_introduction_contexts(extracted: Path) -> None:
    pot = read_po(extracted / "locales/discogram.pot")
    assert [(e.msgctxt, e.extracted, e.references) for e in pot.entries[:2]] == [
        ("discogram/title", "Title of the article.", (f"{ARTICLE}:4",)),
        ("discogram/introduction", "Paragraph. In the introduction, before the first section.", (f"{ARTICLE}:8",)),
    ]
    assert sorted({e.msgctxt for e in pot.entries}) == [
        "discogram/conclusion", "discogram/introduction", "discogram/post-procedure-care",
        "discogram/procedure-overview", "discogram/purpose", "discogram/risks", "discogram/title",
        "discogram/types",
    ]


def test_disclaimer_and_labels(extracted: Path) -> None:
    pot = read_po(extracted / "locales/site.pot")
    assert [(e.msgctxt, e.msgid[:30], e.references, e.flags) for e in pot.entries] == [
        ("site/disclaimer", "Medical Disclaimer", ("source/site.yaml:3",), ()),
        ("site/disclaimer", "The information provided is no", ("source/site.yaml:5",), ()),
        ("site/disclaimer", "Always seek the advice of a ph", ("source/site.yaml:8",), ()),
        ("site/disclaimer", "Never disregard professional m", ("source/site.yaml:11",), ()),
        ("site/disclaimer", "We do not guarantee, and assum", ("source/site.yaml:14",), ()),
        ("site/labels/updated", "Article last updated on: {date", ("source/site.yaml:19",), (BRACE_FORMAT,)),
        ("site/labels/feedback", "If you have any feedback, plea", ("source/site.yaml:20",), ()),
        ("site/labels/contents", "Contents", ("source/site.yaml:21",), ()),
        ("site/labels/language", "Language", ("source/site.yaml:22",), ()),
        ("site/labels/articles", "Articles", ("source/site.yaml:23",), ()),
        ("site/labels/machine-drafted", "This translation was drafted b", ("source/site.yaml:24",), ()),
        ("site/labels/unreviewed", "This translation has not yet b", ("source/site.yaml:27",), ()),
        ("site/labels/fallback", "Some parts of this page are sh", ("source/site.yaml:28",), ()),
    ]
    assert comment(pot.entries[1]) == f"Paragraph. {DISCLAIMER_NOTE}"
    assert comment(pot.entries[5]) == "Page label 'updated': the update line; must contain the {date} placeholder."
    text = (extracted / "locales/site.pot").read_text()
    assert ('#: source/site.yaml:19\n#, python-brace-format\nmsgctxt "site/labels/updated"\n'
            'msgid "Article last updated on: {date}."\nmsgstr ""\n') in text


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_reference_points_at_its_text(domain: str, extracted: Path) -> None:
    """The line a reference names holds the text (or the '>-' that folds it onto the next lines)."""
    for found in read_po(extracted / "locales" / f"{domain}.pot").entries:
        (reference,) = found.references
        path, line = reference.rsplit(":", 1)
        lines = (extracted / path).read_text().splitlines()
        start = lines[int(line) - 1]
        first_words = " ".join(found.msgid.split()[:3])
        if start.rstrip().endswith(">-"):
            assert first_words in lines[int(line)], reference
        else:
            assert first_words in start, reference


def test_same_text_twice_in_a_section_is_one_message(source_root: Path) -> None:
    article = source_root / ARTICLE
    text = article.read_text()
    article.write_text(text.replace("          - Disc injury or herniation\n",
                                    "          - Disc injury or herniation\n          - Nerve damage or irritation\n"))
    pot = build_template(load_sources(source_root), "discogram")
    found = [e for e in pot.entries if e.msgid == "Nerve damage or irritation"]
    assert [(e.msgctxt, e.references) for e in found] == [
        ("discogram/risks", (f"{ARTICLE}:62", f"{ARTICLE}:64"))]


def test_second_run_rewrites_nothing(extracted: Path, cli) -> None:
    pots = [extracted / "locales" / f"{d}.pot" for d in DOMAINS]
    before = [p.read_bytes() for p in pots]
    for path in pots:  # an old mtime: any rewrite, even of the same bytes, would change it
        os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    result = cli("extract", root=extracted)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "templates are up to date\n", "")
    assert [p.stat().st_mtime_ns for p in pots] == [1_000_000_000_000_000_000] * 2
    assert [p.read_bytes() for p in pots] == before


def test_two_roots_give_identical_bytes(tmp_path: Path, extracted: Path, cli) -> None:
    from conftest import copy_root

    other = copy_root(tmp_path / "other", locales=False)
    assert cli("extract", root=other).exit_code == 0
    for domain in DOMAINS:
        assert (other / "locales" / f"{domain}.pot").read_bytes() == \
            (extracted / "locales" / f"{domain}.pot").read_bytes()


def test_creation_date_follows_the_content_not_the_clock(extracted: Path) -> None:
    for domain in DOMAINS:
        assert read_po(extracted / "locales" / f"{domain}.pot").meta("POT-Creation-Date") == "2025-06-06 00:00+0000"


def test_source_date_epoch(source_root: Path, cli, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    assert cli("extract", root=source_root).exit_code == 0
    for domain in DOMAINS:
        assert read_po(source_root / "locales" / f"{domain}.pot").meta("POT-Creation-Date") == "2023-11-14 22:13+0000"
    sources = load_sources(source_root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "not a number")  # ignored, as reproducible-builds.org says
    assert creation_date(sources.article("discogram").updated) == "2025-06-06 00:00+0000"


def test_a_removed_article_takes_its_template_with_it(extracted: Path, cli) -> None:
    lumbar = extracted / "source/articles/lumbar-puncture.yaml"
    lumbar.write_text((extracted / ARTICLE).read_text().replace("id: discogram", "id: lumbar-puncture")
                      .replace("updated: 2025-06-06", "updated: 2025-07-01"))
    result = cli("extract", root=extracted)
    # the site template carries the newest article date
    assert (result.exit_code, result.stdout) == (0, "wrote locales/site.pot\nwrote locales/lumbar-puncture.pot\n")
    lumbar.unlink()
    result = cli("extract", root=extracted)
    assert (result.exit_code, result.stdout) == (0, "wrote locales/site.pot\nremoved locales/lumbar-puncture.pot\n")
    assert sorted(p.name for p in (extracted / "locales").iterdir()) == ["discogram.pot", "site.pot"]


def more_articles(root: Path, dates: list[str]) -> None:
    """More articles beside discogram (one per date, by id in that order), as copies of it."""
    article = root / "source/articles/discogram.yaml"
    data = article.read_text(encoding="utf-8")
    for n, date in enumerate(dates):
        (root / f"source/articles/copy-{n}.yaml").write_text(
            data.replace("id: discogram", f"id: copy-{n}").replace("updated: 2025-06-06", f"updated: {date}"),
            encoding="utf-8")


def test_extract_writes_the_templates_of_sources_loaded_whole(source_root, cli, monkeypatch):
    """Byte for byte what ``build_template`` makes of the articles all loaded at once (how
    extract made them before it went an article at a time), the site's dated by the latest."""
    from pipeline.catalog import render_po

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    more_articles(source_root, ["2025-01-01", "2025-08-01", "2024-12-31"])
    (source_root / "locales").mkdir()
    (source_root / "locales/gone.pot").write_text("stale", encoding="utf-8")
    result = cli("extract", root=source_root)
    assert (result.exit_code, result.stdout, result.stderr) == (0, (
        "wrote locales/site.pot\nwrote locales/copy-0.pot\nwrote locales/copy-1.pot\nwrote locales/copy-2.pot\n"
        "wrote locales/discogram.pot\nremoved locales/gone.pot\n"), "")
    sources = load_sources(source_root)
    written = {p.stem: p.read_bytes() for p in (source_root / "locales").glob("*.pot")}
    assert written == {domain: render_po(build_template(sources, domain)).encode("utf-8")
                       for domain in sources.domains()}
    assert b'"POT-Creation-Date: 2025-08-01 00:00+0000\\n"' in written["site"]



def test_extract_where_the_parse_cache_cannot_be_kept(extracted: Path, cli) -> None:
    """Each article is parsed again from its file to be extracted: the same templates."""
    before = {p.name: p.read_bytes() for p in (extracted / "locales").iterdir()}
    shutil.move(extracted / ".pipeline-cache", extracted.parent / "cache-aside")
    (extracted / ".pipeline-cache").write_text("not a folder", encoding="utf-8")
    for pot in (extracted / "locales").iterdir():
        pot.unlink()
    result = cli("extract", root=extracted)
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, "wrote locales/site.pot\nwrote locales/discogram.pot\n", "")
    assert {p.name: p.read_bytes() for p in (extracted / "locales").iterdir()} == before
    assert (extracted / ".pipeline-cache").read_text(encoding="utf-8") == "not a folder"

@pytest.mark.parametrize("domain", DOMAINS)
def test_msgfmt_accepts_the_templates(domain: str, extracted: Path) -> None:
    msgfmt_check(extracted / "locales" / f"{domain}.pot")


# ------------------------------------------------------------------ the seed article, sentence by sentence

ADVERTISING = {"Not just another AI Scribe.", "Differentials. Guidance. Transcriptions. Notes."}
SENTENCE_END = re.compile(r"(?<=\.)\s+(?=[A-Z])")


def sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_END.split(" ".join(text.split())) if s]


def seed_sentences() -> list[str]:
    """Every sentence of the seed page, as a translator must receive it."""
    units: list[str] = []
    for raw in SEED.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line in ADVERTISING:
            continue
        line = line.replace("We we ", "We ").replace("provided..", "provided.")  # the seed's typos
        line = line.replace("6th June 2025", "{date}")  # the date is a placeholder, filled per locale
        bullet = re.match(r"^(?:•|\d+\.)\s+(.*)$", line)
        if bullet:
            line = bullet.group(1)
            definition = re.match(r"^([^:]+): ([A-Z].*)$", line)  # "Term: Definition"
            if definition:
                units.extend(definition.groups())
                continue
        units.append(line)
    return [s for unit in units for s in sentences(unit)]


def test_the_seed_copy_is_the_original() -> None:
    if not SHARED_SEED.is_file():
        pytest.skip(f"{SHARED_SEED} is not on this machine")
    assert SEED.read_bytes() == SHARED_SEED.read_bytes()


def test_every_sentence_of_the_seed_reaches_the_templates(extracted: Path) -> None:
    wanted = seed_sentences()
    assert len(wanted) == 41
    assert wanted[:3] == [
        "Discogram Procedure",
        "A discogram is a medical imaging procedure used to diagnose and evaluate spinal disc problems, "
        "particularly in the cervical, thoracic, or lumbar regions of the spine.",
        "Purpose",
    ]
    offered = {s for domain in DOMAINS for e in read_po(extracted / "locales" / f"{domain}.pot").entries
               for s in sentences(e.msgid)}
    assert [s for s in wanted if s not in offered] == []
    assert "We do not guarantee, and assume no legal liability or responsibility for the accuracy, currency, " \
           "or completeness of the information provided." in offered


def test_project_paths(source_root: Path) -> None:
    project = Project.open(source_root)
    assert (project.display(project.pot_path("discogram")), project.root) == ("locales/discogram.pot", source_root)
