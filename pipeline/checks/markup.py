"""Markup: tags, links, addresses and template syntax exactly as in the source; nothing smuggled in.

Compared with the source, each as a multiset (order is free, a translation may move them):

- HTML tags, by name and kind (``<b>``, ``</b>``, ``<br/>``), comments and processing
  instructions (``<!--``, ``<?``); attributes are compared through the rules below.
- URLs (``http(s)://``, ``ftp://``, ``www.``) and e-mail addresses, character for character.
- Inline markup: Markdown link targets ``](...)``, ``**`` emphasis, ```code``` spans.
- Template syntax (``{{ ... }}``, ``{% ... %}``, ``{# ... #}``, ``${...}``): a template
  engine downstream could evaluate it (``{{ 7*7 }}``).

Anything active that the source lacks is an error whatever else matches: an event-handler
attribute (``onerror=``), a ``javascript:``/``vbscript:`` URL or a ``data:text/html`` one.
The HTML output escapes all of it anyway; this check makes sure it never gets that far
unnoticed. Invisible and bidirectional control characters are the ``control-characters``
check's.
"""

from __future__ import annotations

import re
from collections import Counter

from pipeline.checks import ERROR, Batch, Unit, _iter_forms, check

# As browsers read them: no space after '<' ("a < b" is text).
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)((?:\s[^<>]*?)?)(/?)\s*>|<!--|<!\[CDATA\[|<\?|<!")
# Not \b: Chinese and Japanese run text and URL together ("请访问https://...").
_URL = re.compile(r"(?i)(?<![A-Za-z0-9.+-])(?:(?:https?|ftp)://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
_URL_TAIL = ".,;:!?'\")]"
_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_LINK_TARGET = re.compile(r"\]\(\s*([^)\s]*)")
_CODE = re.compile(r"`[^`\n]+`")
_STRONG = re.compile(r"\*\*|__")
# Bounded: an unclosed "{{" must not make every later "{{" scan to the end of the text
# (quadratic: hours on a 3 MB msgstr). No template expression in a sentence is that long.
_TEMPLATE = re.compile(r"\{\{.{0,400}?\}\}|\{%.{0,400}?%\}|\{#.{0,400}?#\}|\$\{[^}]{0,400}\}|\{\{|\{%",
                       re.DOTALL)
_EVENT = re.compile(r"(?i)(?<![a-z])on[a-z]{3,}\s*=")
_ACTIVE_URL = re.compile(r"(?i)(?:java|vb)\s*script\s*:|data\s*:\s*text/html|livescript\s*:")
# Always worth saying what they are: these run code or pull in content.
_DANGEROUS = frozenset({"script", "iframe", "object", "embed", "style", "link", "meta", "base", "form",
                        "svg", "math", "img", "video", "audio", "frame", "frameset", "applet", "template"})
# A text with none of these has nothing for this check to look at (most texts).
_MARKERS = re.compile(r"[<>@`=]|://|www\.|\]\(|\*\*|__|\{[{%#]|\$\{|(?i:script|data)\s*:")
_MARKER_STRINGS = ("<", ">", "@", "`", "=", "://", "www.", "](", "**", "__", "{{", "{%", "{#", "${")
_SCRIPT_OR_DATA = re.compile(r"(?i:script|data)\s*:")
# A character every marker has (or "www."): a text with none of them has no marker. One
# character class is a single fast scan; most sentences end the test here.
_MARKER_CHARS = re.compile(r"[<>@`=:\]*_{$]|www\.")


_SCRIPT_END = re.compile(r"(?i:script)\Z")
_DATA_END = re.compile(r"(?i:data)\Z")


def has_markers(text: str) -> bool:
    """``_MARKERS.search(text)``, faster: a scan for the characters markers are made of,
    then substring tests, ten times faster on the plain sentences that most texts are
    (tests/checks/test_markup.py compares the two)."""
    if _MARKER_CHARS.search(text) is None:
        return False
    for marker in _MARKER_STRINGS:
        # A search for its first character (memchr) before the marker's own: a two-character
        # search costs a nanosecond a character, 4 us across a catalogue's texts (the screen).
        if marker[0] in text and marker in text:
            return True
    return ":" in text and _script_or_data(text)


def _script_or_data(text: str) -> bool:
    """``_SCRIPT_OR_DATA.search(text) is not None``, from each colon back: the pattern's own
    scan tries its case-insensitive words at every character (30 ns a character: 0.15 ms
    for a catalogue's texts at once, which the markup check's screen reads). Before a
    colon and its spaces, the word must end there: "script" or "data" in any case the
    pattern allows (each of its letters one character: 'ſ' for s, 'ı' for i, as the pattern
    takes them; tests/checks/test_markup.py compares the two)."""
    colon = text.find(":")
    while colon != -1:
        end = colon
        while end and text[end - 1].isspace():  # str.isspace() is the pattern's \s
            end -= 1
        if end >= 4 and (_DATA_END.match(text, end - 4, end) or end >= 6 and _SCRIPT_END.match(text, end - 6, end)):
            return True
        colon = text.find(":", colon + 1)
    return False


def _tags(text: str) -> list[str]:
    found = []
    for match in _TAG.finditer(text):
        if match.group(2):
            closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(4)
            found.append(f"<{closing}{name}{'/' if self_closing else ''}>")
        else:
            found.append(match.group())
    return found


def _urls(text: str) -> list[str]:
    urls = []
    for match in _URL.finditer(text):
        url = match.group()
        while url and url[-1] in _URL_TAIL and not (url[-1] == ")" and url.count("(") >= url.count(")")):
            url = url[:-1]
        urls.append(url)
    return urls


def _differences(kind: str, source: list[str], found: list[str], where: str):
    expected, got = Counter(source), Counter(found)
    for item in sorted(expected - got):
        yield f"{kind} '{item}' in the source is missing from the translation{where}; copy it as it is"
    for item in sorted(got - expected):
        yield f"{kind} '{item}' in the translation is not in the source{where}; remove it"


def _marked(batch: Batch) -> bool:
    return has_markers(batch.text)


@check("markup", ERROR, screen=_marked)
def markup(unit: Unit):
    """HTML tags, URLs, e-mail addresses, inline markup and template syntax match the source; no script."""
    source_has_markup = has_markers(unit.source) or bool(unit.source_plural) and has_markers(unit.source_plural)
    for index, text, source, where in _iter_forms(unit):
        if not text or not source_has_markup and not has_markers(text):
            continue
        source_tags, tags = _tags(source), _tags(text)
        for tag in sorted(Counter(tags) - Counter(source_tags)):
            name = tag.strip("</>")
            if name in _DANGEROUS:
                yield (f"tag '{tag}' in the translation is not in the source{where}; a translation must "
                       f"never add <{name}>: remove it")
            else:
                yield f"tag '{tag}' in the translation is not in the source{where}; remove it"
        for tag in sorted(Counter(source_tags) - Counter(tags)):
            yield f"tag '{tag}' in the source is missing from the translation{where}; copy it as it is"
        for handler in sorted(Counter(_normal(_EVENT.findall(text))) - Counter(_normal(_EVENT.findall(source)))):
            yield (f"event handler '{handler}' in the translation is not in the source{where}; "
                   f"it would run script: remove it")
        for url in sorted(Counter(_normal(_ACTIVE_URL.findall(text))) - Counter(_normal(_ACTIVE_URL.findall(source)))):
            yield f"'{url}' URL in the translation is not in the source{where}; it would run script: remove it"
        yield from _differences("URL", _urls(source), _urls(text), where)
        yield from _differences("e-mail address", _EMAIL.findall(source), _EMAIL.findall(text), where)
        yield from _differences("link target", _LINK_TARGET.findall(source), _LINK_TARGET.findall(text), where)
        yield from _differences("code span", _CODE.findall(source), _CODE.findall(text), where)
        strong_source, strong = len(_STRONG.findall(source)), len(_STRONG.findall(text))
        if strong != strong_source:
            yield (f"{strong} emphasis markers ('**' or '__') in the translation, {strong_source} in the "
                   f"source{where}; keep the emphasis on the same words")
        for template in sorted(Counter(_TEMPLATE.findall(text)) - Counter(_TEMPLATE.findall(source))):
            yield (f"template syntax '{template}' in the translation is not in the source{where}; a template "
                   f"engine could run it: remove it")


def _normal(items: list[str]) -> list[str]:
    return ["".join(item.lower().split()) for item in items]
