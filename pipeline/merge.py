"""Merging a template into a PO file, losing nothing: what ``pipeline update`` does.

msgmerge's rules, in Python so that nothing depends on gettext being installed: an
unchanged message keeps its translation; a changed one inherits the closest old translation
(msgmerge's 0.6 similarity threshold), fuzzy, with the English it was made for kept as
the previous msgid (``#|``); a removed message that had a translation becomes obsolete.
"""

from __future__ import annotations

import difflib
from dataclasses import replace

from pipeline.catalog import FUZZY, Catalog, Entry

# msgmerge's own threshold for a fuzzy match (fstrcmp >= 0.6).
FUZZY_THRESHOLD = 0.6


def merge_catalog(template: Catalog, catalog: Catalog) -> Catalog:
    """Bring ``catalog`` (a PO) up to date with ``template`` (the POT), losing nothing.

    Like ``msgmerge --previous``: an unchanged message keeps its translation; a changed
    one inherits the closest old translation, marked fuzzy, with the English it was
    made for kept as the previous msgid (``#|``); a removed message that had a
    translation becomes obsolete (``#~``); a new one is added empty. Translator comments
    are kept, our extracted comments and references follow the template.
    """
    old_active = catalog.index()
    old_obsolete = {e.key: e for e in catalog.entries if e.obsolete}
    used: set[tuple[str, str]] = set()
    merged: list[Entry] = []
    pending: list[tuple[int, Entry]] = []

    for new in template.active:
        old = old_active.get(new.key)
        if old is None and new.key in old_obsolete:
            old = replace(old_obsolete.pop(new.key), obsolete=False)
        if old is not None:
            used.add(old.key)
            merged.append(_carry(new, old))
        else:
            pending.append((len(merged), new))
            merged.append(new)

    # Fuzzy matching over translated entries nothing else claimed, best matches first.
    spare = [e for key, e in old_active.items() if key not in used and e.has_text]
    spare += [e for e in old_obsolete.values() if e.has_text]
    candidates: list[tuple[float, int, int]] = []
    for slot, new in pending:
        for j, old in enumerate(spare):
            score = _similarity(new, old)
            if score >= FUZZY_THRESHOLD:
                candidates.append((-score, slot, j))
    candidates.sort()
    taken_slots: set[int] = set()
    taken_old: set[int] = set()
    for _, slot, j in candidates:
        if slot in taken_slots or j in taken_old:
            continue
        taken_slots.add(slot)
        taken_old.add(j)
        merged[slot] = _fuzzy_from(merged[slot], spare[j])

    claimed = {spare[j].key for j in taken_old}
    obsolete: list[Entry] = []
    for e in catalog.entries:
        if e.key in claimed or not e.has_text:
            continue
        if e.obsolete and e.key in old_obsolete:
            obsolete.append(e)
        elif not e.obsolete and e.key not in used:
            obsolete.append(replace(e, obsolete=True, references=(), extracted=""))
    metadata = dict(catalog.metadata)
    creation = template.meta("POT-Creation-Date")
    if creation:
        metadata["POT-Creation-Date"] = creation
    return replace(catalog, entries=tuple(merged + obsolete), metadata=tuple(metadata.items()))


def _carry(new: Entry, old: Entry) -> Entry:
    format_flags = [f for f in new.flags if f != FUZZY]
    flags = format_flags + ([FUZZY] if old.fuzzy and old.has_text else [])
    return replace(
        new,
        msgstr=old.msgstr,
        msgstr_plural=old.msgstr_plural if new.msgid_plural else (),
        flags=tuple(flags),
        comment=old.comment,
        previous_msgid=old.previous_msgid if old.fuzzy else None,
        previous_msgctxt=old.previous_msgctxt if old.fuzzy else None,
    )


def _fuzzy_from(new: Entry, old: Entry) -> Entry:
    # If the old entry was itself fuzzy, its translation was made for its previous msgid.
    previous_msgid = old.previous_msgid if old.fuzzy and old.previous_msgid else old.msgid
    previous_ctxt = old.previous_msgctxt if old.fuzzy and old.previous_msgctxt else old.msgctxt
    return replace(
        new,
        msgstr=old.msgstr,
        msgstr_plural=old.msgstr_plural if new.msgid_plural else (),
        flags=tuple([f for f in new.flags if f != FUZZY] + [FUZZY]),
        comment=old.comment,
        previous_msgid=previous_msgid,
        previous_msgctxt=previous_ctxt if previous_ctxt != new.msgctxt else None,
    )


def _similarity(new: Entry, old: Entry) -> float:
    matcher = difflib.SequenceMatcher(None, new.msgid, old.msgid, autojunk=False)
    if matcher.real_quick_ratio() < FUZZY_THRESHOLD or matcher.quick_ratio() < FUZZY_THRESHOLD:
        return 0.0
    score = matcher.ratio()
    # Same section first: a moved sentence is a better match than a look-alike elsewhere.
    return score if new.msgctxt == old.msgctxt else score * 0.99
