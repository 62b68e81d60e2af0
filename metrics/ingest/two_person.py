"""The two-person rule's check (`[access] two_person_rule`): a signed-in user's import or
deletion goes through a request that a second person approves (`metrics.ingest.approvals`).

The check sits in the functions that write (`PreparedImport.commit`, `delete_coverage`), not
only on the page, so a page or script that forgets the rule is refused all the same. Without a
login there is one person (the local user), and the command line is the store owner's tool:
neither is a signed-in user, so neither needs an approval.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from metrics import audit
from metrics.access import AccessDenied, Action, User
from metrics.settings import Settings, load_settings


@dataclass(frozen=True)
class ApprovedRequest:
    """What a commit carries out on a second person's approval: the request and its author."""

    id: str
    requested_by: str


class ApprovalRequired(AccessDenied):
    """The change must be asked for and approved by a second person."""

    def __init__(self, user: User) -> None:
        super().__init__(user, Action.CHANGE_DATA)
        self.args = (f"{user.id}: the two-person rule asks for a second person's approval",)


def needs_approval(by: User, settings: Settings | None = None) -> bool:
    return by.signed_in and (settings or load_settings()).two_person_rule


def refuse_without_approval(db_path: Path, by: User, event: str, **details: object) -> None:
    """Raises ApprovalRequired (and enters the attempt) if the rule holds for `by`."""
    if needs_approval(by):
        audit.record(db_path, by, "denied", attempted=event, reason="two_person_rule", **details)
        raise ApprovalRequired(by)
