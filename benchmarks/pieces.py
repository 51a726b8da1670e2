"""Each piece of a translated bundle's work, timed alone, beside the least that piece costs in Python.

``python -m benchmarks.pieces [--articles N]`` generates N articles in one locale (the
benchmark's corpus, in a temporary folder), builds them, then times, over every translated
bundle, the pieces a cold build's worker does for it: read its PO file, parse it, check its
translations as the build does (error-level checks), the gate's verdict, the bundle, its
JSON and its page. Microseconds a bundle, the least of five passes of CPU time, in this
process (no workers, no writes: the file operations are ``benchmarks/floor.py``'s).

Beside three of them it times the *least* the same work can cost in Python, written as
plainly as Python allows and checked against the pipeline's result by tests/test_bench.py:

- parsing: one ``re.findall`` over the file, each entry a tuple of its context, msgid and
  msgstr, where the pipeline keeps every field of a PO entry and its line;
- checking: the numbers check alone (the numbers of the English and of the translation,
  compared as multisets) and one scan for markup, where the build runs every error-level check;
- the page: Jinja2 writing the bundle's texts, autoescaped, one element each, where the page
  has the language switcher, the contents, the sections and their attributes.

The least of a piece is a floor for it, not a plan: what no rewrite in Python can go below.
docs/performance.md ("What is left") reads these figures against the cold build's target.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

from pipeline.source import SITE_DOMAIN

# A well-formed entry as msgmerge writes it: comments, then msgctxt, msgid and msgstr strings.
_ENTRY = re.compile(r'(?:#[^\n]*\n)*(?:msgctxt ((?:"[^\n]*"\n)+))?msgid ((?:"[^\n]*"\n)+)msgstr ((?:"[^\n]*"\n)+)\n*')
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_MARKUP = re.compile(r"[<>@`=:\]*_{$]|www\.")
_ESCAPES = {'\\"': '"', "\\n": "\n", "\\t": "\t", "\\\\": "\\"}
_ESCAPE = re.compile(r'\\[\\"nt]')


def _string(block: str) -> str:
    text = "".join(line[1:-1] for line in block[:-1].split("\n"))
    return text if "\\" not in text else _ESCAPE.sub(lambda m: _ESCAPES[m.group()], text)


def least_parse(text: str) -> list[tuple[str | None, str, str]]:
    """Every entry of a PO text (the header included): (msgctxt, msgid, msgstr)."""
    return [(_string(c) if c else None, _string(i), _string(s)) for c, i, s in _ENTRY.findall(text)]


def least_checks(pairs: list[tuple[str, str]]) -> list[int]:
    """The (English, translation) pairs whose numbers differ, by index; each pair is also
    scanned once for a character markup is made of, as the markup check must at least do."""
    wrong = []
    for index, (source, translation) in enumerate(pairs):
        if sorted(_NUMBER.findall(source)) != sorted(_NUMBER.findall(translation)):
            wrong.append(index)
        _MARKUP.search(source) or _MARKUP.search(translation)
    return wrong


def page_texts(bundle: dict) -> list[str]:
    """Every text object's text in a bundle, in document order."""
    found: list[str] = []

    def walk(value) -> None:
        if isinstance(value, dict):
            if "text" in value and "fallback" in value:
                found.append(value["text"])
            else:
                for item in value.values():
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(bundle)
    return found


def least_page():
    """A function writing texts as an autoescaped Jinja2 page, one paragraph each."""
    from jinja2 import Environment

    template = Environment(autoescape=True).from_string("{% for t in texts %}<p>{{ t }}</p>\n{% endfor %}")
    return lambda texts: template.render(texts=texts)


def _cpu(function, items, passes: int = 5) -> float:
    """The least CPU time of ``passes`` calls of ``function`` over ``items``: µs an item."""
    best = float("inf")
    for _ in range(passes):
        start = time.process_time()
        for item in items:
            function(item)
        best = min(best, time.process_time() - start)
    return best / len(items) * 1e6


def measure(root: Path, passes: int = 5) -> list[dict]:
    """The pieces of every translated bundle of ``root``'s first locale (built: its JSON read
    back for the page), each in µs a bundle, with its least where there is one."""
    import json

    from pipeline.bundle import language_info, make_bundle
    from pipeline.bundle.html import render_article
    from pipeline.catalog import parse_po
    from pipeline.dist import dumps
    from pipeline.gate import LocaleGate, evaluate_bundle
    from pipeline.project import Project
    from pipeline.qa import LocaleCatalogs, catalog_problems, check_domain, check_policy, read_locale
    from pipeline.source import load_project_sources

    project = Project.open(root)
    locale = project.select_locales([])[0][0]
    sources = load_project_sources(project)
    articles = list(sources.articles)
    paths = [project.po_path(locale, a.id) for a in articles]
    data = read_locale(project, locale, (SITE_DOMAIN, *(a.id for a in articles)))
    config, policy = project.config, check_policy(project.config, locale)
    raw = [path.read_bytes() for path in paths]
    texts = [data.decode("utf-8") for data in raw]
    findings = {domain: check_domain(sources, data, domain, config, policy, True)
                for domain in (SITE_DOMAIN, *(a.id for a in articles))}
    # The build's gate: the locale's site strings read once, each article's findings checked already.
    gate = LocaleGate(project, sources, None, True, data)
    gate.findings.update(findings)
    verdicts = [gate.verdict(a) for a in articles]
    assert verdicts == [evaluate_bundle(sources, a, data, findings, config) for a in articles]
    bundles = [make_bundle(sources, a, locale.tag, v, "0" * 64, config.required_roles)
               for a, v in zip(articles, verdicts)]
    written = [json.loads(dumps(b)) for b in bundles]  # the page is made from the JSON read back
    languages = [language_info(tag) for tag in ("en", locale.tag)]
    pairs = [[(e.msgid, e.msgstr) for e in data.catalogs[a.id].entries if e.msgid] for a in articles]
    page = least_page()
    by_article = list(zip(articles, verdicts, bundles))

    def read(path: Path) -> str:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8")

    return [
        {"piece": "read its PO file", "us": _cpu(read, paths, passes)},
        {"piece": "parse it", "us": _cpu(lambda item: parse_po(*item), list(zip(raw, map(str, paths))), passes),
         "least_us": _cpu(least_parse, texts, passes), "least": "one findall, (msgctxt, msgid, msgstr)"},
        {"piece": "check it (error-level checks)",
         "us": _cpu(lambda a: check_domain(sources, data, a.id, config, policy, True), articles, passes),
         "least_us": _cpu(least_checks, pairs, passes), "least": "numbers, one markup scan, unit by unit"},
        {"piece": "its warnings (edited msgids...)",
         "us": _cpu(lambda a: catalog_problems(project, sources, LocaleCatalogs(locale, {a.id: data.catalogs[a.id]},
                                                                                 paths=data.paths)), articles, passes)},
        {"piece": "the gate's verdict", "us": _cpu(gate.verdict, articles, passes)},
        {"piece": "the bundle", "us": _cpu(lambda item: make_bundle(sources, item[0], locale.tag, item[1], "0" * 64,
                                                                    config.required_roles), by_article, passes)},
        {"piece": "its JSON", "us": _cpu(dumps, bundles, passes)},
        {"piece": "its page", "us": _cpu(lambda b: render_article(b, languages), written, passes),
         "least_us": _cpu(lambda b: page(page_texts(b)), written, passes), "least": "its texts, escaped"},
    ]


def table(rows: list[dict], bundles: int) -> str:
    lines = [f"{'piece (µs a bundle)':32} {'pipeline':>9} {'least':>9}  least is",
             "-" * 84]
    for row in rows:
        least = f"{row['least_us']:9.1f}" if "least_us" in row else f"{'':>9}"
        lines.append(f"{row['piece']:32} {row['us']:9.1f} {least}  {row.get('least', '')}")
    total = sum(row["us"] for row in rows)
    lines.append(f"{'all of them':32} {total:9.1f}")
    lines.append(f"\n{bundles} bundles; the least of 5 passes of CPU time in one process")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pieces", description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    args = parser.parse_args(argv)
    from benchmarks.corpus import generate
    from pipeline.build import build
    from pipeline.project import Project

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "corpus"
        generate(root, args.articles, 1)
        build(Project.open(root), jobs=1)
        print(table(measure(root), args.articles))


if __name__ == "__main__":
    main()
