"""Render bundles as standalone, accessible HTML pages with Jinja2 (autoescape on).

Translations are data, never markup: every text goes through autoescaping, so a
``<script>`` or ``{{ 7*7 }}`` in a msgstr shows as text. Pages make no external request
(inline CSS, a Content-Security-Policy that forbids scripts and fetches).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

TEMPLATES = Path(__file__).parent / "templates"


# Where compiled templates are kept between runs (set by the build: .pipeline-cache/templates).
BYTECODE_DIR: list[Path] = []


def use_bytecode_cache(folder: Path) -> None:
    """Keep compiled templates in ``folder``: compiling them costs a rebuild 50 ms.

    Jinja2 keys each entry by the template's source and the Python version, so an edited
    template or another interpreter never gets stale code."""
    if not BYTECODE_DIR:
        BYTECODE_DIR.append(folder)


def _escapers():
    """markupsafe's ``escape`` for any value, and for a str: (``escape``, ``escaped``, ``escape_str``).

    ``escaped(text)`` is ``escape(text)`` and ``escape_str(text)`` its str, for a str ``text``.
    markupsafe 3 wraps its C loop (``_escape_inner``) in Python: ``escape`` checks for
    ``__html__`` and makes its ``Markup`` through ``Markup.__new__``, which checks again, 0.5 us
    of a call's 0.7, eighty times a page. For a str neither check can pass, and the ``Markup``
    is made by ``str.__new__`` (``Markup.__new__`` adds nothing to it for a str). markupsafe 2,
    whose ``escape`` is C, or a markupsafe without ``_escape_inner``, gets ``escape`` itself
    (tests/test_html.py holds the two to each other for any text, and to the fast path on
    markupsafe 3)."""
    import markupsafe
    from markupsafe import Markup, escape

    inner = getattr(markupsafe, "_escape_inner", None)
    if inner is None:
        return escape, escape, escape
    make = str.__new__

    def escaped(text: str) -> Markup:
        return make(Markup, inner(text))

    return escape, escaped, inner


@lru_cache(maxsize=1)
def environment():
    """The Jinja2 environment, built once per process (templates compile once)."""
    from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined
    from jinja2.compiler import CodeGenerator
    from markupsafe import Markup

    escape, _, escape_str = _escapers()

    class Bytecode(FileSystemBytecodeCache):
        def get_cache_key(self, name: str, filename: str | None = None) -> str:
            # Jinja2 checks a cached template against its source only: the code OutputFirst
            # compiles it to must not be served from a cache written without it.
            return super().get_cache_key(name, filename) + "-output-first"

        def dump_bytecode(self, bucket) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError:  # a cache: failing to keep it costs the next run 50 ms, nothing more
                pass

    class OutputFirst(CodeGenerator):
        """Writes each ``{{ }}`` of an autoescaped template through ``environment.output``, not
        markupsafe's ``escape``. markupsafe 3 escapes a ``Markup`` (what the filters and the
        switcher give) by making a new one from it, in Python: 0.5 µs, a hundred
        times a page, a third of a page's time. ``output`` hands a ``Markup`` back as it is and
        escapes anything else as ``escape`` does, so the page is the same bytes
        (tests/test_html.py renders every shipped page both ways)."""

        def _output_child_pre(self, node, frame, finalize) -> None:
            if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile:
                self.write("environment.output(")
                if finalize.src is not None:
                    self.write(finalize.src)
            else:
                super()._output_child_pre(node, frame, finalize)

    bytecode = None
    if BYTECODE_DIR:
        try:
            BYTECODE_DIR[0].mkdir(parents=True, exist_ok=True)
            bytecode = Bytecode(str(BYTECODE_DIR[0]))
        except OSError:
            bytecode = None

    class DictFirst(Environment):
        """``b.title`` looks the key up first: Jinja2's own order (attribute, then key) costs a
        failed getattr for every dotted name on the JSON-shaped bundle, a fifth of a page."""

        code_generator_class = OutputFirst

        @staticmethod
        def output(value) -> str:
            """What ``{{ value }}`` writes: a ``Markup`` as it is, anything else escaped (a str
            as a str: it is only ever written out)."""
            if type(value) is Markup:
                return value
            return escape_str(value) if type(value) is str else escape(value)

        def getattr(self, obj, attribute):
            if type(obj) is dict:
                try:
                    return obj[attribute]
                except KeyError:
                    pass
            return super().getattr(obj, attribute)

    env = DictFirst(
        loader=FileSystemLoader(str(TEMPLATES)),
        bytecode_cache=bytecode,
        autoescape=True, auto_reload=False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(_text_filters())
    return env


def _text_filters() -> dict:
    """The filters that render a text object ``{"text", "lang", "fallback"}`` (a page has
    about a hundred) and a list of blocks of them. Made here so that markupsafe is imported
    once, not at every call."""
    from markupsafe import Markup

    escape, escaped, _ = _escapers()  # escaped: escape for a str, without its Python checks
    nothing = Markup("")
    # A fallback's markup written out, its values escaped: Markup.format goes through
    # string.Formatter, 3 µs a call, twice for every text that falls back to English.
    fallback_attrs: dict[str, Markup] = {}  # by language: every fallback's is English

    def attrs(t: dict):
        """The attributes of a text object's element: an English fallback says so."""
        if not t["fallback"]:
            return nothing
        lang = t["lang"]
        known = fallback_attrs.get(lang)
        if known is None:
            known = fallback_attrs[lang] = Markup(f' lang="{escape(lang)}" class="fallback"')
        return known

    def text(t: dict):
        """A text object's content, escaped; a fallback's English isolated left-to-right."""
        value = t["text"]
        if t["fallback"]:
            return Markup(f'<span dir="ltr">{escape(value)}</span>')
        return escaped(value) if type(value) is str else escape(value)

    def blocks(items: list[dict]) -> Markup:
        """A bundle's blocks (a paragraph, a list, steps, definitions), one element and a line
        break each, every text through ``attrs`` and ``text``. A filter rather than a Jinja
        macro: the macro's eight calls a page took a quarter of its time
        (tests/test_html.py holds it to the macro it replaced, for any blocks)."""
        out = []
        for block in items:
            kind = block["type"]
            if kind == "paragraph":
                t = block["text"]
                out.append(f"<p{attrs(t)}>{text(t)}</p>\n")
            elif kind == "list" or kind == "steps":
                tag = "ul" if kind == "list" else "ol"
                out.append(f"<{tag}>\n")
                out.extend([f"<li{attrs(t)}>{text(t)}</li>\n" for t in block["items"]])
                out.append(f"</{tag}>\n")
            elif kind == "definitions":
                out.append("<dl>\n")
                for item in block["items"]:
                    term, definition = item["term"], item["definition"]
                    out.append(f"<dt{attrs(term)}>{text(term)}</dt>\n<dd{attrs(definition)}>{text(definition)}</dd>\n")
                out.append("</dl>\n")
            else:  # no block of another kind is made (pipeline/schemas/bundle.schema.json)
                out.append("\n")
        return Markup("".join(out))

    return {"attrs": attrs, "text": text, "blocks": blocks}


@lru_cache(maxsize=1)
def css():
    """The page's inline style sheet, as trusted markup.

    It is our own file, not a translation: autoescaping it would turn its quotes into
    ``&#34;``, which a ``<style>`` element does not decode, and break the font rule.
    """
    from markupsafe import Markup

    text = (TEMPLATES / "base.css").read_text(encoding="utf-8").strip()
    if "<" in text:
        raise ValueError("base.css must not contain '<' (it is inlined in a <style> element)")
    return Markup(text)


@lru_cache(maxsize=1)
def templates_digest() -> str:
    """A hash of every template: a changed template must rebuild every page."""
    h = hashlib.sha256()
    for path in sorted(TEMPLATES.iterdir()):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def _notes(bundle: dict) -> list[dict]:
    labels = bundle["labels"]
    notes = []
    state = bundle["review"]["state"]
    if state == "machine-drafted":
        notes.append(labels["machine-drafted"])
    elif state == "unreviewed":
        notes.append(labels["unreviewed"])
    if bundle["coverage"]["fallback"]:
        notes.append(labels["fallback"])
    return notes


def render_article(bundle: dict, languages: list[dict]) -> str:
    """The page of one bundle. ``languages``: ``{tag, name, direction}`` of the article's
    published locales (English included), for the language switcher."""
    from markupsafe import Markup, escape

    label = bundle["labels"]["language"]
    switcher = _switcher(tuple((lang["tag"], lang["name"], lang["direction"]) for lang in languages),
                         bundle["locale"], (label["text"], label["lang"], label["fallback"]))
    template = environment().get_template("article.html")
    return template.render(b=bundle, switcher=Markup(switcher.replace(_ARTICLE, escape(bundle["article"]))),
                           notes=_notes(bundle), css=css())


_ARTICLE = "\x00article\x00"  # no template, language name or translation holds a NUL


@lru_cache(maxsize=64)
def _switcher(languages: tuple[tuple[str, str, str], ...], current: str, label: tuple[str, str, bool]) -> str:
    """The language switcher of a page in ``current``, its links' article left as a slot:
    every page of a locale whose article is published in the same languages has the same one
    but for that, and at 1,000 articles in 20 languages its 21 links were a fifth of a page."""
    links = [{"tag": tag, "name": name, "direction": direction, "href": f"../{tag}/{_ARTICLE}.html",
              "current": tag == current} for tag, name, direction in languages]
    text, lang, fallback = label
    return environment().get_template("switcher.html").render(
        label={"text": text, "lang": lang, "fallback": fallback}, languages=links)


def render_index_section(language: dict) -> str:
    """One language's part of ``dist/index.html``: ``{tag, name, direction, articles: [{href, title}]}``.

    Rendered apart so that a build can keep the sections of the languages that did not change.
    """
    return environment().get_template("index_section.html").render(language=language)


def render_index(heading: str, sections: list[str]) -> str:
    """``dist/index.html`` from the sections :func:`render_index_section` rendered."""
    from markupsafe import Markup

    return environment().get_template("index.html").render(heading=heading, sections=[Markup(s) for s in sections],
                                                            css=css())


_SLOT = "\x00sections\x00"  # no template, heading or CSS holds a NUL


def index_frame(heading: str) -> tuple[bytes, bytes] | None:
    """The index page before and after its sections, encoded: a build writes the sections
    in between, one at a time (:func:`render_index_bytes` for the same bytes at once). None
    when the template does not write its sections one after the other in one place."""
    from markupsafe import Markup

    frame = environment().get_template("index.html").render(heading=heading, sections=[Markup(_SLOT)], css=css())
    if frame.count(_SLOT) != 1:
        return None
    before, after = frame.split(_SLOT)
    return before.encode("utf-8"), after.encode("utf-8")


def render_index_bytes(heading: str, sections: list[str]) -> bytes:
    """:func:`render_index`, encoded, made a section at a time: the page is rendered around
    one stand-in for the sections, which the template writes one after the other, and the
    sections are encoded into its place. At 1,000 articles in 20 languages the page as one
    str (two bytes a character, for the languages' own names) and its copies took 9 MB."""
    from markupsafe import Markup

    frame = environment().get_template("index.html").render(heading=heading, sections=[Markup(_SLOT)], css=css())
    if frame.count(_SLOT) != 1:
        return render_index(heading, sections).encode("utf-8")
    before, after = frame.split(_SLOT)
    return b"".join([before.encode("utf-8"), *(section.encode("utf-8") for section in sections),
                     after.encode("utf-8")])
