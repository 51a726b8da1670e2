"""End punctuation: the translation ends like the source (a full stop, a colon, a question...).

Each language's own marks count as the same: ``.`` ``。`` ``۔`` ``।``; ``:`` ``：``;
``;`` ``；`` ``؛``; ``?`` ``？`` ``؟``; ``!`` ``！``; ``,`` ``،`` ``，`` ``、``; ``…`` ``...``.
Spaces before the mark (French U+00A0/U+202F before ``:`` ``;`` ``?`` ``!``) and closing
quotes and brackets after it (``»`` ``“`` ``）`` ``」``) are looked through, so
``Il a dit « non ».`` ends with a full stop. Thai and Lao, which end sentences with no mark,
may leave it out.
"""

from __future__ import annotations

from pipeline.checks import WARNING, Unit, _iter_forms, check

_CLASSES = {
    "full stop": ".。۔।｡．።։။។",
    "colon": ":：﹕",
    "semicolon": ";；؛﹔",
    "question mark": "?？؟﹖\u037e",  # U+037E: the Greek question mark
    "exclamation mark": "!！﹗",
    "comma": ",،，、﹐",
}
_CLASS_OF = {mark: name for name, marks in _CLASSES.items() for mark in marks}
_CLOSERS = "\"'”’»›)]}）」』】〉》〕"
_ELLIPSIS = ("...", "…", "⋯")
_NO_FINAL_MARK = frozenset({"th", "lo"})


def _ending(text: str) -> tuple[str | None, str]:
    """The class of the text's final punctuation (None if it has none) and the mark itself."""
    stripped = text.rstrip()
    while stripped and stripped[-1] in _CLOSERS:
        stripped = stripped[:-1].rstrip()
    for ellipsis in _ELLIPSIS:
        if stripped.endswith(ellipsis):
            return "ellipsis", ellipsis
    if stripped and stripped[-1] in _CLASS_OF:
        return _CLASS_OF[stripped[-1]], stripped[-1]
    return None, ""


@check("end-punctuation", WARNING)
def end_punctuation(unit: Unit):
    """The translation ends with the same punctuation as the source, in the language's own form."""
    for index, text, source, where in _iter_forms(unit):
        if not text or not text.strip():
            continue
        expected, expected_mark = _ending(source)
        found, found_mark = _ending(text)
        if expected == found:
            continue
        if found is None and unit.locale.tag.split("-")[0] in _NO_FINAL_MARK:
            continue
        now = f"'{found_mark}'" if found else "no punctuation"
        was = f"'{expected_mark}'" if expected else "no punctuation"
        yield f"the translation ends with {now}, the source with {was}{where}"
