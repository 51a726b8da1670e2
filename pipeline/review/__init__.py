"""Clinical review: approvals bound to the exact English and translated texts.

Each locale keeps a ledger, ``locales/<ll>/reviews.yaml`` (:mod:`.ledger`); an approval
counts only while both texts are exactly as approved. :mod:`.identity` knows reviewers
and translators, :mod:`.state` gives each message its review state, :mod:`.signoff`
approves and revokes, :mod:`.sheet` renders the bilingual sheet for a clinician.
``docs/review.md`` is the user's guide.
"""

from pipeline.review.identity import (
    PLACEHOLDER_IDENTITY,
    Identity,
    approval_date,
    entry_translators,
    parse_identity,
    parse_reviewer,
)
from pipeline.review.ledger import (
    LEDGER_NAME,
    Approval,
    ApprovalLookup,
    Ledger,
    Void,
    approvals_for,
    ledger_path,
    ledger_problems,
    load_ledger,
    render_ledger,
    save_ledger,
    text_hash,
)
from pipeline.review.signoff import ApproveResult, RevokeResult, SelfApprovalError, approve, revoke
from pipeline.review.state import (
    APPROVED,
    PENDING,
    STALE,
    STATES,
    LocaleReview,
    ReviewItem,
    Scope,
    SectionReview,
    item_detail,
    make_scope,
    review_locale,
    section_counts,
    section_of,
    status_json,
)

__all__ = [
    "APPROVED", "LEDGER_NAME", "PENDING", "PLACEHOLDER_IDENTITY", "STALE", "STATES", "Approval", "ApprovalLookup",
    "ApproveResult", "Identity", "Ledger", "LocaleReview", "ReviewItem", "RevokeResult", "Scope", "SectionReview",
    "SelfApprovalError", "Void", "approval_date", "approvals_for", "approve", "entry_translators", "item_detail",
    "ledger_path", "ledger_problems", "load_ledger", "make_scope", "parse_identity", "parse_reviewer",
    "render_ledger", "review_locale", "revoke", "save_ledger", "section_counts", "section_of", "status_json",
    "text_hash",
]
