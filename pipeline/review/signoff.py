"""Sign-off: approve every usable message in scope as one reviewer, or revoke their approvals.

Self-approval is refused: a reviewer who is the PO file's ``Last-Translator``, or is
named by a ``# Translator:`` comment of a message they would approve, gets an error
(exit 2) and nothing is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.errors import InputError, Problem, UsageError
from pipeline.locales import Locale
from pipeline.project import Project
from pipeline.review.identity import Identity
from pipeline.review.ledger import DATE_PATTERN, Approval, ledger_path, load_ledger, save_ledger, text_hash
from pipeline.review.state import LocaleReview, ReviewItem, Scope, make_scope, review_locale
from pipeline.source import Sources


class SelfApprovalError(InputError):
    """A reviewer asked to approve a translation they made (exit 2, nothing written)."""


@dataclass(frozen=True)
class ApproveResult:
    ledger_path: str
    reviewer: Identity
    date: str
    approved: tuple[ReviewItem, ...]
    skipped: tuple[tuple[ReviewItem, str], ...]  # (message, why)
    superseded: int  # the reviewer's void records replaced by the new approvals
    written: bool


def approve(project: Project, sources: Sources, locale: Locale, reviewer: Identity, date: str,
            scope: Scope, note: str = "") -> ApproveResult:
    """Approve, as ``reviewer`` on ``date``, every message in scope that is usable now.

    Raises :class:`SelfApprovalError` (writing nothing) when the reviewer is the PO file's
    Last-Translator or is named by a ``# Translator:`` comment of a message they would approve.
    """
    if not DATE_PATTERN.match(date):
        raise UsageError(f"approval date '{date}' is not YYYY-MM-DD")
    note = " ".join(note.split())
    review = review_locale(project, sources, locale, scope)
    if review.problems:
        raise InputError(review.problems)
    skipped: list[tuple[ReviewItem, str]] = []
    chosen: list[ReviewItem] = []
    for item in review.items:
        mine = [a for a in item.valid if a.identity.same_person(reviewer)]
        if not item.usable:
            skipped.append((item, item.why_not_usable()))
        elif mine:
            skipped.append((item, f"already approved by {mine[0].describe()}"))
        else:
            chosen.append(item)
    conflicts = _self_approvals(review, chosen, reviewer)
    if conflicts:
        raise SelfApprovalError(conflicts)
    new = [Approval(item.message.domain, item.message.context, text_hash(item.message.text),
                    text_hash(item.translation), str(reviewer), date, note) for item in chosen]
    # A reviewer's void approvals of a message they approve again are history, not state.
    superseded = {v.approval for item in chosen for v in item.void if v.approval.identity.same_person(reviewer)}
    kept = [a for a in review.ledger.approvals if a not in superseded]
    written = save_ledger(project, locale, kept + new) if new else False
    return ApproveResult(review.ledger.path or project.display(ledger_path(project, locale)), reviewer, date,
                         tuple(chosen), tuple(skipped), len(superseded), written)


def _self_approvals(review: LocaleReview, chosen: list[ReviewItem], reviewer: Identity) -> list[Problem]:
    problems: list[Problem] = []
    hint = ("a translation must be revised by a second person (ISO 17100): ask another clinician "
            "to approve it, or narrow the scope with --article/--section")
    for domain in sorted({item.message.domain for item in chosen}):
        who, line = review.last_translators.get(domain, (None, None))
        if who is not None and who.same_person(reviewer):
            count = sum(1 for item in chosen if item.message.domain == domain)
            problems.append(Problem(f"{reviewer} cannot approve their own translation: they are this file's "
                                    f"Last-Translator ({who}); {count} message(s) in scope",
                                    review.paths[domain], line, hint))
    for item in chosen:
        for who in item.translators:
            if who.same_person(reviewer):
                problems.append(Problem(f"{reviewer} cannot approve their own translation: the translator "
                                        f"comment names {who} as its translator", item.path, item.line, hint))
    return problems


@dataclass(frozen=True)
class RevokeResult:
    ledger_path: str
    reviewer: Identity
    removed: tuple[Approval, ...]
    written: bool


def revoke(project: Project, sources: Sources, locale: Locale, reviewer: Identity,
           article: str | None = None, section: str | None = None) -> RevokeResult:
    """Remove ``reviewer``'s records in scope, valid or void, including those of removed texts.

    The scope is read from the records themselves (their domain and msgctxt), so an
    approval of an article or section that no longer exists can still be revoked.
    """
    ledger = load_ledger(project, locale)
    recorded = {a.domain for a in ledger.approvals}
    if article is not None and article not in recorded:
        make_scope(sources, article)  # an unknown name is an error; a known one with no records is fine
    removed = tuple(a for a in ledger.approvals if a.identity.same_person(reviewer)
                    and (article is None or a.domain == article) and (section is None or a.section == section))
    kept = [a for a in ledger.approvals if a not in set(removed)]
    written = save_ledger(project, locale, kept) if removed else False
    return RevokeResult(ledger.path, reviewer, removed, written)
