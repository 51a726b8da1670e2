"""Generate a content root at catalogue scale: ``python -m benchmarks.corpus --articles N --locales M OUT``.

Each article is the shipped discogram article with every message made unique by a word
marker (letters, not digits, so the numbers check sees the same numbers), so each copy is
the size of the real one. Each locale is fully translated with a pseudo-translation that
keeps every number, placeholder and mark of the English: every bundle is publishable.
The PO files are written as text directly (not through polib) so that generating
20,000 of them takes seconds; ``pipeline update`` leaves them unchanged, which the
benchmark checks.
"""

from __future__ import annotations

import argparse
import shutil
import string
import sys
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Valid BCP 47 tags that CLDR (Babel) knows, the shipped ones first.
LOCALES = [
    "es", "fr", "de", "ar", "zh-Hans", "vi", "pt-BR", "it", "nl", "pl", "ru", "ja", "ko", "tr", "uk", "sv",
    "da", "fi", "cs", "he", "hi", "id", "th", "ro", "hu", "el", "nb", "bg", "hr", "sk", "sl", "lt", "lv",
    "et", "fa", "ur", "bn", "ta", "ms", "es-MX",
]


def marker(number: int) -> str:
    """A letters-only, unique word for copy ``number`` (0 -> 'Aa', 1 -> 'Ab', ...)."""
    letters = string.ascii_lowercase
    word = ""
    number += 26  # at least two letters
    while number:
        number, rest = divmod(number, 26)
        word = letters[rest] + word
    return word.capitalize()


def _po_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def render_catalog(entries: list[tuple[str, str, str]], language: str, plural_forms: str) -> str:
    """A PO file from (msgctxt, msgid, msgstr) triples, in the layout ``pipeline update`` keeps."""
    from pipeline.catalog import Catalog, Entry, render_po

    catalog = Catalog(
        tuple(Entry(msgid=i, msgstr=s, msgctxt=c) for c, i, s in entries),
        (("Project-Id-Version", "bench"), ("Language", language), ("MIME-Version", "1.0"),
         ("Content-Type", "text/plain; charset=UTF-8"), ("Content-Transfer-Encoding", "8bit"),
         ("Plural-Forms", plural_forms)),
    )
    return render_po(catalog)


def generate(out: Path, articles: int, locales: int) -> None:
    """Write a complete content root to ``out`` (which must not exist or be empty)."""
    sys.path.insert(0, str(REPO))
    from pipeline.extract import build_template
    from pipeline.locales import parse_locale
    from pipeline.source import load_sources
    from pipeline.translations import new_catalog

    if locales > len(LOCALES):
        raise SystemExit(f"at most {len(LOCALES)} locales")
    out.mkdir(parents=True, exist_ok=True)
    (out / "source" / "articles").mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "source" / "site.yaml", out / "source" / "site.yaml")
    shutil.copy(REPO / "pyproject.toml", out / "pyproject.toml")
    template = (REPO / "source" / "articles" / "discogram.yaml").read_text(encoding="utf-8")
    for n in range(articles):
        word = marker(n)
        article_id = f"discogram-{word.lower()}"
        (out / "source" / "articles" / f"{article_id}.yaml").write_text(_unique(template, article_id, word),
                                                                         encoding="utf-8")
    from pipeline.config import load_config

    sources = load_sources(out, load_config(out).required_roles)
    tags = [parse_locale(t) for t in LOCALES[:locales]]
    for locale in tags:
        folder = out / "locales" / locale.folder / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        for domain in sources.domains():
            pot = build_template(sources, domain)
            base = new_catalog(pot, locale, domain)
            # dataclasses.replace, not the class called with __dict__: that would pass a cached
            # value (Entry.key, once read) as a field.
            entries = tuple(replace(e, msgstr=f"[{locale.tag}] {e.msgid}") for e in base.entries)
            from pipeline.catalog import render_po

            (folder / f"{domain}.po").write_text(render_po(replace(base, entries=entries)), encoding="utf-8")


def _unique(template: str, article_id: str, word: str) -> str:
    """Give every translatable line of the article YAML the copy's marker word."""
    lines = []
    for line in template.splitlines():
        stripped = line.strip()
        if line.startswith("id: "):
            line = f"id: {article_id}"
        elif stripped.startswith(("title:", "heading:", "paragraph:", "- paragraph:", "term:", "definition:")) \
                and not stripped.endswith((">-", ">")):
            key, _, value = line.partition(": ")
            value = value.strip().strip('"')
            line = f'{key}: "{value} {word}"' if not value.endswith(":") else f'{key}: "{value[:-1]} {word}:"'
        elif stripped.startswith("- ") and not stripped.startswith(("- id:", "- term:", "- paragraph:",
                                                                   "- list:", "- steps:", "- definitions:")) \
                and not stripped.endswith((">-", ">")):
            indent = line[: len(line) - len(line.lstrip())]
            line = f"{indent}- {stripped[2:]} {word}"
        elif stripped and not stripped.startswith(("#", "-", "id:", "role:", "updated:", "body:", "sections:",
                                                   "introduction:", "title:", "heading:", "definition:",
                                                   "term:", "list:", "steps:", "definitions:", "paragraph:")) \
                and lines and lines[-1].rstrip().endswith((">-", ">")):
            # First continuation line of a folded scalar: put the marker at its start.
            indent = line[: len(line) - len(line.lstrip())]
            line = f"{indent}{word} {stripped}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.corpus", description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, required=True)
    parser.add_argument("--locales", type=int, required=True)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} exists and is not empty")
    generate(args.out, args.articles, args.locales)


if __name__ == "__main__":
    main()
