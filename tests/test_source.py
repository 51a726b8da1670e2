"""Source validation: every problem at once, as ``path:line: error: message``, with the YAML line.

Each broken fixture under ``tests/fixtures/sources/broken/<fault>/`` is laid over a copy of
the minimal content root (``tests/fixtures/sources/minimal/``); the table below holds the
exact lines ``pipeline extract`` must print for it.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path

import pytest

from pipeline.errors import Problem, SourceError
from pipeline.source import load_sources

SOURCES = Path(__file__).resolve().parent / "fixtures" / "sources"
MINIMAL = SOURCES / "minimal"
BROKEN = SOURCES / "broken"
ARTICLE = "source/articles/discogram.yaml"

VALID_ID_HINT = "  hint: use lower-case letters a-z, digits and single hyphens, e.g. 'post-procedure-care'"
QUOTE_HINT = "  hint: quote the value if it is meant as text"
DUPLICATE_KEY_HINT = "  hint: YAML would silently keep only the last one; remove or rename one"
ALIAS = "error: YAML aliases (*name) are not allowed in source files"

# fault -> the exact stderr of `pipeline extract` (problems sorted by file, then line)
EXPECTED = {
    "unknown-key": [
        f"{ARTICLE}:4: error: unknown key 'author' in the article",
        "  hint: allowed keys: id, introduction, sections, title, updated",
        f"{ARTICLE}:9: error: unknown key 'summary' in a section",
        "  hint: allowed keys: body, heading, id, role",
        f"{ARTICLE}:13: error: unknown key 'table' in a block of section 'risks'",
        "  hint: allowed keys: definitions, list, paragraph, steps",
    ],
    "wrong-type": [
        f"{ARTICLE}:2: error: title must be text, not a list",
        QUOTE_HINT,
        f"{ARTICLE}:4: error: the introduction must be a list (lines starting with '- '), not text",
        f"{ARTICLE}:8: error: section heading must be text, not a number",
        QUOTE_HINT,
        f"{ARTICLE}:10: error: paragraph must be text, not true/false",
        QUOTE_HINT,
        f"{ARTICLE}:11: error: list must be a list (lines starting with '- '), not text",
        f"{ARTICLE}:13: error: step must be text, not a mapping",
        QUOTE_HINT,
    ],
    "empty-text": [
        f"{ARTICLE}:7: error: section heading is empty",
        f"{ARTICLE}:9: error: paragraph is empty",
        f"{ARTICLE}:13: error: list item is empty",
        f"{ARTICLE}:14: error: list item is empty",
        f"{ARTICLE}:15: error: steps is empty",
    ],
    # PyYAML would keep the second 'title' silently; the unknown key on line 13 shows that
    # the rest of the file is still checked.
    "duplicate-key": [
        f"{ARTICLE}:3: error: duplicate key 'title' (first defined on line 2)",
        DUPLICATE_KEY_HINT,
        f"{ARTICLE}:9: error: duplicate key 'heading' (first defined on line 8)",
        DUPLICATE_KEY_HINT,
        f"{ARTICLE}:13: error: unknown key 'colour' in a section",
        "  hint: allowed keys: body, heading, id, role",
    ],
    "duplicate-section-id": [
        f"{ARTICLE}:15: error: duplicate section id 'risks' (first used on line 5)",
    ],
    "duplicate-article-id": [
        "source/articles/discogram.yml:1: error: duplicate article id 'discogram' "
        "(also in source/articles/discogram.yaml)",
    ],
    "id-mismatch": [
        "source/articles/lumbar-discogram.yaml:1: error: article id 'discogram' does not match the file name "
        "'lumbar-discogram.yaml'",
        "  hint: rename the file to discogram.yaml or change the id",
    ],
    "missing-risks": [
        f"{ARTICLE}:1: error: article 'discogram' has no section with the required role 'risks'",
        "  hint: add a section with 'role: risks' (required roles are set in [tool.pipeline])",
    ],
    # The minimal article is valid under the default policy; this root's pyproject.toml
    # also requires 'aftercare'.
    "required-roles": [
        f"{ARTICLE}:1: error: article 'discogram' has no section with the required role 'aftercare'",
        "  hint: add a section with 'role: aftercare' (required roles are set in [tool.pipeline])",
    ],
    "bad-date": [
        f"{ARTICLE}:3: error: '6th June 2025' is not a date",
        "  hint: write the date as YYYY-MM-DD, e.g. 2025-06-06",
    ],
    "bad-id": [
        f"{ARTICLE}:1: error: article id 'Discogram' is not a valid id",
        VALID_ID_HINT,
        f"{ARTICLE}:5: error: section id 'post procedure care' is not a valid id",
        VALID_ID_HINT,
        f"{ARTICLE}:11: error: section role 'Risks_Complications' is not a valid id",
        VALID_ID_HINT,
    ],
    "tabs": [
        f"{ARTICLE}:7: error: invalid YAML: found character '\\t' that cannot start any token",
        "  hint: YAML indentation must use spaces, not tabs",
    ],
    "yaml-syntax": [
        f"{ARTICLE}:2: error: invalid YAML: found unexpected end of stream while scanning a quoted scalar "
        "that starts on this line",
        "  hint: close the quote at the end of the text",
    ],
    # Every alias is reported where it is used (lines 3 to 10); line 2 only defines '&a'.
    "alias-bomb": [line for n in range(3, 11) for line in (f"{ARTICLE}:{n}: {ALIAS}",
                                                           "  hint: write the text out in full")],
    "site-no-disclaimer": [
        "source/site.yaml:1: error: site.yaml is missing the required key 'disclaimer'",
    ],
    "site-labels": [
        "source/site.yaml:8: error: label 'updated' must contain the {date} placeholder",
        "source/site.yaml:8: error: labels is missing the required key 'contents'",
        "source/site.yaml:9: error: label 'feedback' has an unknown placeholder {email}",
        "  hint: only the 'updated' label takes a placeholder: {date}",
    ],
}


def make_root(target: Path, *overlays: str) -> Path:
    """The minimal content root with the named broken fixtures laid over it."""
    shutil.copytree(MINIMAL, target)
    for fault in overlays:
        shutil.copytree(BROKEN / fault, target, dirs_exist_ok=True)
    return target


def test_every_fixture_has_an_expectation() -> None:
    assert sorted(p.name for p in BROKEN.iterdir()) == sorted(EXPECTED)


def test_the_minimal_root_is_valid(tmp_path: Path) -> None:
    sources = load_sources(make_root(tmp_path / "root"), frozenset({"disclaimer", "risks"}))
    assert sources.domains() == ("site", "discogram")
    article = sources.article("discogram")
    assert [(s.id, s.role) for s in article.sections] == [
        ("purpose", None), ("procedure-overview", None), ("types", None), ("risks", "risks")]
    assert article.updated == dt.date(2025, 6, 6)
    assert [b.kind for s in article.sections for b in s.blocks] == ["paragraph", "list", "steps", "definitions", "list"]


@pytest.mark.parametrize("fault", sorted(EXPECTED))
def test_broken_source_through_the_cli(fault: str, tmp_path: Path, cli) -> None:
    root = make_root(tmp_path / "root", fault)
    result = cli("extract", root=root)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines() == EXPECTED[fault]
    assert not (root / "locales").exists()  # nothing written from invalid input


def test_every_problem_of_every_file_at_once(tmp_path: Path, cli) -> None:
    root = make_root(tmp_path / "root", "site-labels", "unknown-key")
    (root / "source/articles/lumbar.yaml").write_text("id: lumbar\ntitle: Lumbar Puncture\nupdated: 2025-02-30\n")
    result = cli("extract", root=root)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        *EXPECTED["unknown-key"],
        "source/articles/lumbar.yaml:1: error: article 'lumbar' has no section with the required role 'risks'",
        "  hint: add a section with 'role: risks' (required roles are set in [tool.pipeline])",
        "source/articles/lumbar.yaml:1: error: the article is missing the required key 'sections'",
        "source/articles/lumbar.yaml:3: error: '2025-02-30' is not a date",
        "  hint: write the date as YYYY-MM-DD, e.g. 2025-06-06",
        *EXPECTED["site-labels"],
    ]


def test_duplicate_article_id_with_two_valid_files(tmp_path: Path) -> None:
    root = make_root(tmp_path / "root", "duplicate-article-id")
    with pytest.raises(SourceError) as caught:
        load_sources(root)
    assert caught.value.problems == (Problem(
        "duplicate article id 'discogram' (also in source/articles/discogram.yaml)",
        "source/articles/discogram.yml", 1),)


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    root = make_root(tmp_path / "root", "alias-bomb")
    started = time.perf_counter()
    with pytest.raises(SourceError) as caught:
        load_sources(root)
    elapsed = time.perf_counter() - started
    assert [(p.line, p.message) for p in caught.value.problems] == [
        (n, "YAML aliases (*name) are not allowed in source files") for n in range(3, 11)]
    # Expanded, the document holds 9**9 (387 million) strings; refused, it takes milliseconds.
    assert elapsed < 2.0


def test_a_harmless_alias_is_refused_on_the_line_that_uses_it(tmp_path: Path) -> None:
    root = make_root(tmp_path / "root")
    article = root / ARTICLE
    text = article.read_text()
    text = text.replace("title: Discogram Procedure", "title: &title Discogram Procedure")
    text = text.replace("    heading: Purpose", "    heading: *title")
    article.write_text(text)
    with pytest.raises(SourceError) as caught:
        load_sources(root)
    assert caught.value.problems == (Problem(
        "YAML aliases (*name) are not allowed in source files", ARTICLE, 10, "write the text out in full"),)


def test_an_ampersand_in_the_text_is_text_and_an_anchor_anywhere_is_looked_at(tmp_path: Path, monkeypatch) -> None:
    """A node is shared only through an anchor, written with '&': a document without one skips
    the walk that looks for shared nodes; one with an '&' anywhere, in text too, is walked."""
    import pipeline.yamlnodes as yamlnodes

    walked = []
    real = yamlnodes._shares_nodes
    monkeypatch.setattr(yamlnodes, "_shares_nodes", lambda node: walked.append(1) or real(node))
    root = make_root(tmp_path / "root")
    load_sources(root)
    assert walked == []
    article = root / ARTICLE
    article.write_text(article.read_text().replace("title: Discogram Procedure", "title: Discogram Q&A"))
    assert load_sources(root).articles[0].title.text == "Discogram Q&A"
    assert walked == [1]


def test_deep_nesting_is_an_error_not_a_traceback(tmp_path: Path, cli) -> None:
    root = make_root(tmp_path / "root")
    (root / ARTICLE).write_text("id: " + "[" * 3000 + "]" * 3000 + "\n")
    result = cli("extract", root=root)
    assert (result.exit_code, result.stderr.splitlines()) == (2, [
        f"{ARTICLE}: error: YAML is nested too deeply",
        "  hint: an article needs only a few levels: sections, blocks, items",
    ])


@pytest.mark.parametrize("value", ["2025-06-31", "20250606", "2025-W23-5", "06/06/2025", "2025-6-6"])
def test_bad_dates(value: str, tmp_path: Path) -> None:
    root = make_root(tmp_path / "root")
    article = root / ARTICLE
    article.write_text(article.read_text().replace("updated: 2025-06-06", f"updated: {value}"))
    with pytest.raises(SourceError) as caught:
        load_sources(root)
    assert caught.value.problems == (Problem(
        f"'{value}' is not a date", ARTICLE, 3, "write the date as YYYY-MM-DD, e.g. 2025-06-06"),)


# (text in the minimal article, its replacement, the (line, message) problems)
MORE_PROBLEMS = [
    # a section may not claim the disclaimer: it lives in site.yaml, shared by every article
    ("    role: risks", "    role: disclaimer", [
        (1, "article 'discogram' has no section with the required role 'risks'"),
        (31, "the disclaimer belongs in source/site.yaml, shared by every article"),
    ]),
    ("  - id: types", "  - id: title", [(22, "section id 'title' is reserved")]),
    ("id: discogram", "id: site", [
        (1, "'site' is reserved for the site strings"),
        (1, "article id 'site' does not match the file name 'discogram.yaml'"),
    ]),
    ("          - Allergic reactions to the contrast dye", "          - 42",
     [(36, "list item must be text, not a number")]),
    ("  - paragraph: >-\n", "  - list: [x]\n    paragraph: >-\n", [
        (5, "a block of the introduction must have exactly one of: paragraph, list, steps, definitions")]),
    ("          - term: Provocation discography\n", "          - term: Provocation discography\n"
     "            term: Discography\n", [(27, "duplicate key 'term' (first defined on line 26)")]),
    ("      - list:\n          - Infection", "      - paragraph: Serious complications are rare.\n        list:\n"
     "          - Infection", [(34, "a block of section 'risks' must have exactly one of: paragraph, list, steps, "
                                   "definitions")]),
    ("title: Discogram Procedure", "title: Discogram: the procedure",
     [(2, "invalid YAML: mapping values are not allowed here")]),
]


@pytest.mark.parametrize(("old", "new", "expected"), MORE_PROBLEMS)
def test_more_article_problems(old: str, new: str, expected: list[tuple[int, str]], tmp_path: Path) -> None:
    root = make_root(tmp_path / "root")
    article = root / ARTICLE
    text = article.read_text()
    assert text.count(old) == 1
    article.write_text(text.replace(old, new))
    with pytest.raises(SourceError) as caught:
        load_sources(root)
    assert [(p.path, p.line, p.message) for p in caught.value.problems] == [(ARTICLE, *e) for e in expected]


def test_missing_site_and_articles(tmp_path: Path, cli) -> None:
    root = make_root(tmp_path / "root")
    (root / "source/site.yaml").unlink()
    shutil.rmtree(root / "source/articles")
    result = cli("extract", root=root)
    assert (result.exit_code, result.stderr.splitlines()) == (2, [
        "source/articles: error: no articles found",
        "  hint: add one YAML file per article, e.g. source/articles/discogram.yaml",
        "source/site.yaml: error: the site strings are missing",
        "  hint: create source/site.yaml with the disclaimer and the page labels",
    ])


def test_empty_file_and_not_utf8(tmp_path: Path) -> None:
    root = make_root(tmp_path / "root")
    (root / ARTICLE).write_text("# nothing yet\n")
    (root / "source/articles/lumbar.yaml").write_bytes("id: lumbar\ntitle: Ponction lombaire\n".encode("latin-1")
                                                       + "title: Lumbar puncture \xe9\n".encode("latin-1"))
    with pytest.raises(SourceError) as caught:
        load_sources(root)
    assert caught.value.problems == (
        Problem("file is empty", ARTICLE, 1),
        Problem("file is not valid UTF-8", "source/articles/lumbar.yaml", 3, "save the file as UTF-8"),
    )


def test_text_is_folded_and_whitespace_collapsed(tmp_path: Path) -> None:
    root = make_root(tmp_path / "root")
    sources = load_sources(root)
    intro = sources.article("discogram").introduction[0].messages[0]
    assert (intro.text, intro.line, intro.context) == (
        "A discogram is a medical imaging procedure used to diagnose and evaluate spinal disc problems.",
        5, "discogram/introduction")
    article = root / ARTICLE
    article.write_text(article.read_text().replace(
        "Determine if a specific intervertebral disc is causing pain",
        "'Determine  if a specific\tintervertebral disc is causing pain '"))
    item = load_sources(root).article("discogram").sections[0].blocks[1].messages[0]
    assert item.text == "Determine if a specific intervertebral disc is causing pain"


def test_shipped_source_is_valid_and_complete(source_root: Path) -> None:
    sources = load_sources(source_root)
    article = sources.article("discogram")
    assert [(s.id, s.role, s.heading.text) for s in article.sections] == [
        ("purpose", None, "Purpose"),
        ("procedure-overview", None, "Procedure Overview"),
        ("types", None, "Types of Discograms"),
        ("risks", "risks", "Risks and Complications"),
        ("post-procedure-care", None, "Post-Procedure Care"),
        ("conclusion", "summary", "Conclusion"),
    ]
    assert article.updated == dt.date(2025, 6, 6)
    assert sorted(sources.site.labels) == ["articles", "contents", "fallback", "feedback", "language",
                                           "machine-drafted", "unreviewed", "updated"]
    assert sources.site.labels["updated"].text == "Article last updated on: {date}."


# ------------------------------------------------------------------ docs/source-format.md

DOCS = Path(__file__).resolve().parent.parent / "docs" / "source-format.md"


def doc_examples() -> dict[str, str]:
    """The YAML blocks of the reference that start with a '# source/...' line, by that path."""
    blocks = {}
    for block in DOCS.read_text(encoding="utf-8").split("```yaml\n")[1:]:
        text = block.split("```", 1)[0]
        first = text.splitlines()[0]
        if first.startswith("# source/"):
            blocks[first[2:]] = text
    return blocks


def test_the_complete_example_in_the_docs_is_valid(tmp_path: Path) -> None:
    examples = doc_examples()
    assert sorted(examples) == ["source/articles/discogram.yaml", "source/site.yaml"]
    root = make_root(tmp_path / "root")
    for path, text in examples.items():
        (root / path).write_text(text)
    sources = load_sources(root)
    article = sources.article("discogram")
    assert [(s.id, s.role, [b.kind for b in s.blocks]) for s in article.sections] == [
        ("purpose", None, ["paragraph", "list"]),
        ("procedure-overview", None, ["paragraph", "steps"]),
        ("types", None, ["definitions"]),
        ("risks", "risks", ["paragraph", "list"]),
        ("conclusion", "summary", ["paragraph"]),
    ]


def test_the_error_lines_in_the_docs_are_real() -> None:
    """The errors the reference quotes are the ones the tests above make the tool print."""
    text = DOCS.read_text(encoding="utf-8")
    example = text.split("Fix them from the top and run it again. For example:\n\n```\n")[1].split("```")[0]
    assert example.splitlines() == [*EXPECTED["unknown-key"][:2], *EXPECTED["duplicate-key"][2:4]]
    printed = {line.split(" error: ", 1)[1] for lines in EXPECTED.values() for line in lines if " error: " in line}
    printed |= {message for _, _, problems in MORE_PROBLEMS for _, message in problems}
    table = text.split("| you may see | what to do |")[1].splitlines()[2:]
    quoted = [row.split("`")[1] for row in table if row.startswith("| `")]
    assert len(quoted) == 21
    assert [message for message in quoted if message not in printed] == []
