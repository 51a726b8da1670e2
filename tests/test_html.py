"""The HTML pages (issue 4, point 2): standalone, accessible, escaped, and no external request."""

from __future__ import annotations

import importlib.metadata

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from fixtures.build.content import copy_source, set_translation, translated_root
from pipeline.build import build
from pipeline.bundle.html import render_article, render_index, render_index_section
from pipeline.extract import extract
from pipeline.locales import parse_locale
from pipeline.project import Project
from pipeline.translations import init_locale

NOT_REQUIRED = "Assess the integrity and structure of the spinal discs"
# Translations a hostile or careless translator could write, in sections that are not required
# (so that the bundle is still published and the page shows them or their English).
HOSTILE = {
    "Determine if a specific intervertebral disc is causing pain": "<script>alert(1)</script>",
    "A local anesthetic is administered to numb the skin and muscle tissue": "{{ 7*7 }}",
    "Take pain medication as directed by their doctor": "javascript:alert(1)",
}


# ------------------------------------------------------------------ a small DOM


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    children: list["Node | str"] = field(default_factory=list)
    parent: "Node | None" = None

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    def find_all(self, tag: str) -> list["Node"]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if child.tag == tag:
                    found.append(child)
                found.extend(child.find_all(tag))
        return found

    def find(self, tag: str, **attrs: str) -> "Node":
        for node in self.find_all(tag):
            if all(node.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items()):
                return node
        raise AssertionError(f"no <{tag} {attrs}>")

    def elements(self) -> list["Node"]:
        return [c for c in self.children if isinstance(c, Node)]


class _Builder(HTMLParser):
    VOID = {"meta", "link", "br", "img", "input", "hr", "source", "base"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), parent=self.current)
        self.current.children.append(node)
        if tag not in self.VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        assert node is not self.root, f"</{tag}> closes nothing"
        self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    assert builder.current is builder.root, f"<{builder.current.tag}> is never closed"
    return builder.root


def squash(text: str) -> str:
    return " ".join(text.split())


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    """fr unreviewed with one fallback, ar machine-drafted with one fallback, de blocked (untranslated)."""
    root = translated_root(tmp_path_factory.mktemp("html") / "root", ("fr", "ar"), origin={"ar": "machine-drafted"})
    set_translation(root, "fr", "discogram", NOT_REQUIRED, "")
    set_translation(root, "ar", "discogram", NOT_REQUIRED, "")
    init_locale(Project.open(root), parse_locale("de"))
    result = build(Project.open(root))
    assert {(b["locale"], b["status"]) for b in result.bundles} == {
        ("ar", "published"), ("de", "blocked"), ("en", "published"), ("fr", "published")}
    return root


def page(root: Path, tag: str, article: str = "discogram") -> str:
    return (root / "dist" / tag / f"{article}.html").read_text(encoding="utf-8")


def bundle(root: Path, tag: str) -> dict:
    return json.loads((root / "dist" / tag / "discogram.json").read_text(encoding="utf-8"))


# ------------------------------------------------------------------ the page


@pytest.mark.parametrize("tag, opening", [
    ("ar", '<html lang="ar" dir="rtl">'),
    ("fr", '<html lang="fr" dir="ltr">'),
    ("en", '<html lang="en" dir="ltr">'),
])
def test_html_element_carries_language_and_direction(root, tag, opening):
    html = page(root, tag)
    assert html.startswith("<!DOCTYPE html>\n" + opening + "\n")
    assert html.endswith("</html>\n")


def test_semantic_headings_and_lists(root):
    doc = parse(page(root, "fr"))
    data = bundle(root, "fr")
    assert [squash(h.text) for h in doc.find_all("h1")] == ["La discographie"]
    main = doc.find("main")
    headings = [(h.attrs["id"], squash(h.text)) for h in main.find_all("h2")]
    assert headings == [("toc-heading", "Sommaire")] + [
        (f"{s['id']}-heading", s["heading"]["text"]) for s in data["sections"]]
    sections = [s for s in main.find_all("section")]
    assert [(s.attrs["id"], s.attrs["aria-labelledby"]) for s in sections] == [
        (s["id"], f"{s['id']}-heading") for s in data["sections"]]
    risks = main.find("section", id="risks")
    assert risks.attrs["data-role"] == "risks"
    assert [e.tag for e in risks.elements()] == ["h2", "p", "ul"]
    assert [e.tag for e in main.find("section", id="procedure-overview").elements()] == ["h2", "p", "ol"]
    types = main.find("section", id="types").find("dl")
    assert [e.tag for e in types.elements()] == ["dt", "dd", "dt", "dd"]
    items = [squash(li.text) for li in risks.find("ul").find_all("li")]
    assert items == [i["text"] for s in data["sections"] if s["id"] == "risks" for i in s["blocks"][1]["items"]]
    # The table of contents links to every section.
    toc = doc.find("nav", aria_labelledby="toc-heading")
    assert [a.attrs["href"] for a in toc.find_all("a")] == [f"#{s['id']}" for s in data["sections"]]
    # The update line holds a machine-readable date.
    assert doc.find("time").attrs["datetime"] == "2025-06-06"
    assert squash(doc.find("time").text) == "Dernière mise à jour de l’article : 6 juin 2025."


def test_fallback_elements_are_marked_english(root):
    for tag in ("fr", "ar"):
        doc = parse(page(root, tag))
        marked = [(n.tag, n.attrs, squash(n.text)) for n in _all(doc) if "lang" in n.attrs and n.tag == "li"
                  and n.attrs["lang"] == "en"]
        assert marked == [("li", {"lang": "en", "class": "fallback"}, NOT_REQUIRED)]
        # The English is isolated left to right inside it; the item keeps the page's direction.
        assert f'<li lang="en" class="fallback"><span dir="ltr">{NOT_REQUIRED}</span></li>' in page(root, tag)
        # Everything else in the article is in the page's language: no other element claims English.
        article = doc.find("article")
        assert [n.tag for n in _all(article) if n.attrs.get("lang") == "en"] == ["li"]


def test_disclaimer_is_the_last_thing_on_the_page(root):
    for tag in ("en", "fr", "ar"):
        doc = parse(page(root, tag))
        body_parts = doc.find("div", **{"class": "page"}).elements()
        assert [e.tag for e in body_parts] == ["nav", "main", "footer"]
        disclaimer = body_parts[-1].elements()
        assert [(e.tag, e.attrs.get("id")) for e in disclaimer] == [("section", "disclaimer")]
        data = bundle(root, tag)["disclaimer"]
        section = disclaimer[0]
        assert squash(section.find("h2").text) == data["heading"]["text"]
        assert [squash(p.text) for p in section.find_all("p")] == [b["text"]["text"] for b in data["blocks"]]


def test_notes_for_machine_drafted_unreviewed_and_fallback(root):
    def notes(tag: str) -> list[str]:
        return [squash(p.text) for p in parse(page(root, tag)).find_all("p") if p.attrs.get("class") == "note"]

    ar, fr = bundle(root, "ar")["labels"], bundle(root, "fr")["labels"]
    assert notes("ar") == [ar["machine-drafted"]["text"], ar["fallback"]["text"]]
    assert notes("fr") == [fr["unreviewed"]["text"], fr["fallback"]["text"]]
    assert notes("en") == []
    # The notes come before the article's text, where a reader sees them first.
    html = page(root, "ar")
    assert html.index('class="note"') < html.index('<section id="purpose"')


def test_language_switcher_lists_the_other_published_locales_only(root):
    doc = parse(page(root, "fr"))
    nav = doc.find("nav", **{"class": "languages"})
    links = [(a.attrs["href"], a.attrs["hreflang"], a.attrs["lang"], a.attrs["dir"], squash(a.text))
             for a in nav.find_all("a")]
    assert links == [
        ("../en/discogram.html", "en", "en", "ltr", "English"),
        ("../ar/discogram.html", "ar", "ar", "rtl", "العربية"),
    ]  # not de: it is blocked; not fr: that is this page
    current = [(s.attrs, squash(s.text)) for s in nav.find_all("span") if "aria-current" in s.attrs]
    assert current == [({"aria-current": "page", "lang": "fr", "dir": "ltr"}, "français")]
    for href, *_ in links:
        assert (root / "dist" / "fr" / href).resolve().is_file()


def test_pages_make_no_external_request(root):
    pages = sorted((root / "dist").rglob("*.html"))
    assert len(pages) == 4  # index, en, fr, ar
    for path in pages:
        html = path.read_text(encoding="utf-8")
        doc = parse(html)
        assert re.findall(r"(?i)\b(?:https?:)?//", html) == [], path
        assert [n.tag for n in _all(doc) if n.tag in ("script", "link", "img", "iframe", "object", "embed", "base")] \
            == [], path
        assert [n.attrs for n in _all(doc) if "src" in n.attrs or "srcset" in n.attrs] == [], path
        assert len(doc.find_all("style")) == 1
        csp = doc.find("meta", http_equiv="Content-Security-Policy").attrs["content"]
        assert csp == "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
        hrefs = [n.attrs["href"] for n in _all(doc) if "href" in n.attrs]
        assert all(re.fullmatch(r"#[a-z0-9-]+|(\.\./)?[A-Za-z0-9-]+/[a-z0-9-]+\.html", h) for h in hrefs), hrefs


def test_inline_style_sheet_is_not_escaped(root):
    """The CSS is ours, not a translation: its quotes must reach the browser as quotes."""
    style = parse(page(root, "en")).find("style").text
    assert '"Segoe UI"' in style
    assert "&#34;" not in style and "&quot;" not in style


def test_readable_on_a_phone(root):
    html = page(root, "ar")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "max-width: 42rem" in html


# ------------------------------------------------------------------ hostile translations


def test_hostile_translation_is_shown_as_text_never_run(root):
    """Straight through the template: whatever a msgstr holds comes out escaped."""
    data = bundle(root, "fr")
    data["title"]["text"] = "<script>alert(1)</script>"
    data["sections"][0]["heading"]["text"] = "{{ 7*7 }}"
    data["sections"][0]["blocks"][0]["text"]["text"] = "javascript:alert(1)"
    data["sections"][0]["blocks"][1]["items"][0]["text"] = '"><img src=x onerror=alert(1)>'
    data["sections"][0]["id"] = 'x" onmouseover="alert(1)'
    html = render_article(data, [{"tag": "fr", "name": "<b>fr</b>", "direction": "ltr"}])
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>" in html
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>" in html
    assert "{{ 7*7 }}</h2>" in html and "49" not in html
    assert "<p>javascript:alert(1)</p>" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'id="x&#34; onmouseover=&#34;alert(1)"' in html
    assert "&lt;b&gt;fr&lt;/b&gt;" in html
    doc = parse(html)
    assert [n.tag for n in _all(doc) if n.tag in ("script", "img", "b")] == []
    assert [n.attrs for n in _all(doc) if any(k.startswith("on") for k in n.attrs)] == []
    assert "<script>" not in html


def _hostile_root(tmp_path: Path) -> Path:
    root = translated_root(tmp_path / "root", ("fr",))
    for source, hostile in HOSTILE.items():
        set_translation(root, "fr", "discogram", source, hostile)
    return root


def _assert_no_markup(html: str) -> Node:
    doc = parse(html)
    assert "<script>alert(1)</script>" not in html
    assert [n.tag for n in _all(doc) if n.tag == "script"] == []
    assert "49" not in html
    assert [a.attrs["href"] for a in doc.find_all("a") if "javascript" in a.attrs.get("href", "")] == []
    return doc


def test_hostile_translations_in_a_build_never_reach_the_page_as_markup(tmp_path):
    """End to end with QA: each is sent back to English (a QA error) or shown as text; never markup."""
    root = _hostile_root(tmp_path)
    result = build(Project.open(root))
    assert [(b["locale"], b["status"]) for b in result.bundles] == [("en", "published"), ("fr", "published")]
    doc = _assert_no_markup(page(root, "fr"))
    shown = [squash(li.text) for li in doc.find_all("li")]
    for source, hostile in HOSTILE.items():
        assert (hostile in shown) != (source in shown), (source, hostile)


def test_hostile_translations_that_pass_qa_are_escaped(tmp_path, monkeypatch):
    """Even if no check caught them, the page shows them as text: the template escapes."""
    import pipeline.qa

    monkeypatch.setattr(pipeline.qa, "check_domain", lambda *args, **kwargs: {})
    root = _hostile_root(tmp_path)
    build(Project.open(root))
    html = page(root, "fr")
    doc = _assert_no_markup(html)
    assert "<li>&lt;script&gt;alert(1)&lt;/script&gt;</li>" in html
    assert "<li>{{ 7*7 }}</li>" in html
    assert "<li>javascript:alert(1)</li>" in html
    assert {squash(li.text) for li in doc.find_all("li")} >= set(HOSTILE.values())
    texts = json.dumps(bundle(root, "fr"), ensure_ascii=False)
    assert all(json.dumps(h, ensure_ascii=False) in texts for h in HOSTILE.values())  # data, kept as written


# ------------------------------------------------------------------ the index


def test_index_lists_articles_by_language(root):
    html = (root / "dist/index.html").read_text(encoding="utf-8")
    doc = parse(html)
    assert html.startswith('<!DOCTYPE html>\n<html lang="en" dir="ltr">\n')
    sections = doc.find("main").find_all("section")
    assert [(s.attrs["lang"], s.attrs["dir"], squash(s.find("h2").text)) for s in sections] == [
        ("en", "ltr", "English"), ("ar", "rtl", "العربية"), ("fr", "ltr", "français")]
    links = {s.attrs["lang"]: [(a.attrs["href"], squash(a.text)) for a in s.find_all("a")] for s in sections}
    assert links == {
        "en": [("en/discogram.html", "Discogram Procedure")],
        "ar": [("ar/discogram.html", "إجراء تصوير القرص")],
        "fr": [("fr/discogram.html", "La discographie")],
    }
    for href, _ in (pair for pairs in links.values() for pair in pairs):
        assert (root / "dist" / href).is_file()


def test_index_escapes_titles():
    html = render_index("<i>Articles</i>", [render_index_section(
        {"tag": "fr", "name": "français", "direction": "ltr",
         "articles": [{"href": "fr/a.html", "title": "<script>x</script>"}]})])
    assert "<h1>&lt;i&gt;Articles&lt;/i&gt;</h1>" in html
    assert '<a href="fr/a.html">&lt;script&gt;x&lt;/script&gt;</a>' in html


def test_english_only_root_builds_the_english_page(tmp_path):
    root = copy_source(tmp_path / "root")
    extract(Project.open(root))
    result = build(Project.open(root))
    assert [(b["locale"], b["status"]) for b in result.bundles] == [("en", "published")]
    doc = parse(page(root, "en"))
    nav = doc.find("nav", **{"class": "languages"})
    assert nav.find_all("a") == []  # nothing to switch to
    assert squash(doc.find("h1").text) == "Discogram Procedure"


def _all(node: Node):
    for child in node.children:
        if isinstance(child, Node):
            yield child
            yield from _all(child)


def test_pages_are_the_bytes_plain_jinja2_renders(shipped_root, monkeypatch):
    """The environment looks dict keys up before attributes, and writes a Markup out without
    escaping it again (for speed); on our bundles that must change nothing: every shipped
    page, fallbacks and rtl included, and the index, against a stock environment."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    import pipeline.bundle.html as html
    from pipeline.dist import index_page
    from pipeline.source import load_site

    fast = html.environment()
    stock = Environment(loader=FileSystemLoader(str(html.TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    stock.filters.update(fast.filters)
    assert type(fast) is not Environment and type(stock) is Environment
    for name in fast.list_templates(extensions=["html"]):  # every output through environment.output
        code = fast.compile(fast.loader.get_source(fast, name)[0], name, raw=True)
        assert "escape(" not in code and "environment.output(" in code, name
    build(Project.open(shipped_root))
    dist = shipped_root / "dist"
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    with monkeypatch.context() as patch:
        patch.setattr(html, "environment", lambda: stock)
        project = Project.open(shipped_root)
        heading = load_site(shipped_root, project.config.required_roles).labels["articles"].text
        stock_index = index_page(heading, manifest["bundles"], dist)
    assert stock_index == (dist / "index.html").read_bytes()
    pages = [b for b in manifest["bundles"] if b["status"] == "published"]
    assert len(pages) >= 7
    for record in pages:
        bundle = json.loads((dist / record["files"]["json"]["path"]).read_text(encoding="utf-8"))
        page = (dist / record["files"]["html"]["path"]).read_text(encoding="utf-8")
        languages = _switcher_of(page)
        assert len(languages) == len(pages)
        with monkeypatch.context() as patch:
            patch.setattr(html, "environment", lambda: stock)
            html._switcher.cache_clear()  # the stock environment renders the switcher too
            expected = html.render_article(bundle, languages)
        html._switcher.cache_clear()
        assert html.render_article(bundle, languages) == expected == page


def test_pages_of_two_articles_share_a_switcher_and_each_links_its_own_article(shipped_root):
    """The switcher is rendered once for the pages of a locale that list the same languages,
    with the article left as a slot: each page still links its own article, escaped."""
    import pipeline.bundle.html as html
    from pipeline.bundle import language_info

    build(Project.open(shipped_root))
    bundle = json.loads((shipped_root / "dist" / "fr" / "discogram.json").read_text(encoding="utf-8"))
    other = {**bundle, "article": "side-effects&more"}
    languages = [language_info(tag) for tag in ("en", "fr", "de")]
    html._switcher.cache_clear()
    first, second = html.render_article(bundle, languages), html.render_article(other, languages)
    assert html._switcher.cache_info().hits == 1
    links = re.compile(r'<a href="([^"]*)" hreflang')
    assert links.findall(first) == ["../en/discogram.html", "../de/discogram.html"]
    assert links.findall(second) == ["../en/side-effects&amp;more.html", "../de/side-effects&amp;more.html"]
    assert '<span aria-current="page" lang="fr" dir="ltr">' in second
    html._switcher.cache_clear()
    assert html.render_article(other, languages) == second
    assert "\x00" not in first + second


def _switcher_of(page: str) -> list[dict]:
    """The language switcher's entries, read back from a page."""
    found = re.findall(r'<li><(?:a href="[^"]*" hreflang="([^"]+)"|span aria-current="page") lang="([^"]+)" '
                       r'dir="([^"]+)">([^<]*)</(?:a|span)></li>', page)
    return [{"tag": lang, "direction": direction, "name": name} for _, lang, direction, name in found]


@settings(max_examples=300, deadline=None)
@given(st.text(), st.sampled_from(["en", "fr", 'x"<&>']), st.booleans())
def test_the_text_filters_write_what_markup_format_writes(text, lang, fallback):
    """The filters spell a fallback's markup out rather than through Markup.format (3 µs a
    call): the same markup, and the same escaping, for any text."""
    from markupsafe import Markup, escape

    from pipeline.bundle.html import environment

    filters = environment().filters
    t = {"text": text, "lang": lang, "fallback": fallback}
    if fallback:
        assert filters["attrs"](t) == Markup(' lang="{}" class="fallback"').format(lang)
        assert filters["text"](t) == Markup('<span dir="ltr">{}</span>').format(text)
    else:
        assert filters["attrs"](t) == ""
        assert filters["text"](t) == escape(text)
    assert type(filters["attrs"](t)) is Markup and type(filters["text"](t)) is Markup


# The Jinja2 macro the ``blocks`` filter replaced, as it was (pipeline/bundle/templates/macros.html).
_BLOCKS_MACRO = """{% macro blocks(items) -%}
{% for b in items %}
{% if b.type == "paragraph" -%}
<p{{ b.text|attrs }}>{{ b.text|text }}</p>
{%- elif b.type == "list" -%}
<ul>
{% for item in b["items"] %}<li{{ item|attrs }}>{{ item|text }}</li>
{% endfor %}</ul>
{%- elif b.type == "steps" -%}
<ol>
{% for item in b["items"] %}<li{{ item|attrs }}>{{ item|text }}</li>
{% endfor %}</ol>
{%- elif b.type == "definitions" -%}
<dl>
{% for item in b["items"] %}<dt{{ item.term|attrs }}>{{ item.term|text }}</dt>
<dd{{ item.definition|attrs }}>{{ item.definition|text }}</dd>
{% endfor %}</dl>
{%- endif %}

{% endfor %}
{%- endmacro %}{{ blocks(items) }}"""

_TEXTS = st.fixed_dictionaries({"text": st.text(), "lang": st.sampled_from(["en", "fr"]), "fallback": st.booleans()})
_BLOCKS = st.lists(st.one_of(
    st.fixed_dictionaries({"type": st.just("paragraph"), "text": _TEXTS}),
    st.fixed_dictionaries({"type": st.sampled_from(["list", "steps"]), "items": st.lists(_TEXTS, max_size=4)}),
    st.fixed_dictionaries({"type": st.just("definitions"),
                           "items": st.lists(st.fixed_dictionaries({"term": _TEXTS, "definition": _TEXTS}),
                                             max_size=3)}),
    st.fixed_dictionaries({"type": st.text(max_size=3), "items": st.just([])}),
), max_size=5)


@settings(max_examples=300, deadline=None)
@given(_BLOCKS)
def test_the_blocks_filter_writes_what_the_macro_wrote(items):
    """Pages write their blocks through a filter, not a Jinja2 macro (a quarter of a page): the same
    markup, line breaks and escaping as the macro, for any blocks, in both environments."""
    from jinja2 import Environment, StrictUndefined

    from pipeline.bundle.html import environment

    fast = environment()
    stock = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                        keep_trailing_newline=True)
    stock.filters.update(fast.filters)
    expected = stock.from_string(_BLOCKS_MACRO).render(items=items)
    made = fast.filters["blocks"](items)
    assert (made, type(made)) == (expected, Markup)
    assert fast.from_string("{{ items|blocks }}").render(items=items) == expected


class _Html:
    """Something with its own markup, as markupsafe knows it."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __html__(self) -> str:
        return f"<i>{self.text}</i>"


class _Str(str):
    """A str of another type: escaped as markupsafe escapes it, through its __html__ if any."""

    def __html__(self) -> str:
        return f"<b>{self}</b>"


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.integers(), st.floats(allow_nan=False), st.none(), st.booleans(),
                 st.text().map(Markup), st.text().map(_Html),
                 st.text().map(_Str)))
def test_a_page_escapes_every_value_as_markupsafe_does(value):
    """The environment writes a str, and the text filter escapes one, without markupsafe's Python
    wrapper (``_escapers``): the same text as ``escape``, whatever the value."""
    from markupsafe import escape

    from pipeline.bundle.html import environment

    env = environment()
    assert env.output(value) == str(escape(value))
    made = env.filters["text"]({"text": value, "lang": "fr", "fallback": False})
    assert (made, type(made)) == (escape(value), Markup)


def test_markupsafe_3_escapes_a_str_by_the_fast_path():
    """The tripwire for ``_escapers``: on a markupsafe with ``_escape_inner`` (3.x), a str is
    escaped by it; a release that dropped it would make pages slower, not wrong."""
    import markupsafe

    from pipeline.bundle.html import _escapers

    escape, escaped, escape_str = _escapers()
    if int(importlib.metadata.version("markupsafe").split(".")[0]) >= 3:
        assert hasattr(markupsafe, "_escape_inner")
        assert escaped is not escape and escape_str is markupsafe._escape_inner
    assert escaped("<a & 'b'>") == escape("<a & 'b'>") == "&lt;a &amp; &#39;b&#39;&gt;"


def test_autoescape_blocks_still_decide_what_is_escaped():
    """The environment writes outputs through its own ``output`` only where autoescape is on and
    known when the template compiles; an ``{% autoescape %}`` block still turns it off or on."""
    from pipeline.bundle.html import environment

    env = environment()
    template = env.from_string("{% autoescape false %}{{ x }}{% endautoescape %}|{{ x }}|"
                               "{% autoescape flag %}{{ x }}{% endautoescape %}")
    assert template.render(x="<b>", flag=False) == "<b>|&lt;b&gt;|<b>"
    assert template.render(x="<b>", flag=True) == "<b>|&lt;b&gt;|&lt;b&gt;"


def test_code_a_stock_environment_cached_is_not_served_to_this_one(tmp_path, monkeypatch):
    """Jinja2 checks a cached template against its source only: a cache written by an
    environment without the fast output (an earlier version of this code) must not be used."""
    from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader

    import pipeline.bundle.html as html

    stock = Environment(loader=FileSystemLoader(str(html.TEMPLATES)), autoescape=True,
                        bytecode_cache=FileSystemBytecodeCache(str(tmp_path)))
    stock.filters.update(html._text_filters())
    content = stock.get_template("article.html").blocks["content"].__code__
    assert "escape" in content.co_names and list(tmp_path.iterdir())  # the stock code, cached
    monkeypatch.setattr(html, "BYTECODE_DIR", [tmp_path])
    html.environment.cache_clear()
    html._switcher.cache_clear()
    try:
        content = html.environment().get_template("article.html").blocks["content"].__code__
        assert "output" in content.co_names and "escape" not in content.co_names
    finally:
        html.environment.cache_clear()
        html._switcher.cache_clear()
