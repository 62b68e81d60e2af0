"""Who may do what: the product's roles, what each may do, and the user a request acts for.

The navigation shows each role its pages, but the menu is not the control: every function in
metrics/ that changes data or lets figures leave the app takes the acting `User` and calls
`require` itself, so a page that forgot a check, or a script that calls the function, is
refused all the same. Without a login (no `[auth]` in Streamlit's secrets) the app serves one
person on 127.0.0.1 with every role (`LOCAL_USER`); the command line acts as the operating-system
account that owns the store (`command_line_user`).
"""

from __future__ import annotations

import getpass
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    MANAGEMENT = "management"
    WORKING_GROUP = "working_group"
    # staff council, equality officer, representative of the severely disabled
    REPRESENTATIVES = "representatives"
    DATA_MAINTENANCE = "data_maintenance"
    ADMINISTRATOR = "administrator"


class Action(StrEnum):
    VIEW_KPIS = "view_kpis"  # the topic pages and the methodology
    EXPORT = "export"  # reports, chart pictures, table downloads
    VIEW_DATA = "view_data"  # what the store holds and the import log (the Daten page)
    CHANGE_DATA = "change_data"  # import, delete, invited counts
    VIEW_AUDIT = "view_audit"  # the audit log and the disclosure audit


PERMISSIONS: Mapping[Role, frozenset[Action]] = {
    Role.MANAGEMENT: frozenset({Action.VIEW_KPIS, Action.EXPORT}),
    Role.WORKING_GROUP: frozenset({Action.VIEW_KPIS, Action.EXPORT}),
    # everything read-only, and the audit: they check the others
    Role.REPRESENTATIVES: frozenset(
        {Action.VIEW_KPIS, Action.EXPORT, Action.VIEW_DATA, Action.VIEW_AUDIT}
    ),
    # they check an import's effect on the figures, but take nothing out of the app
    Role.DATA_MAINTENANCE: frozenset({Action.VIEW_KPIS, Action.VIEW_DATA, Action.CHANGE_DATA}),
    Role.ADMINISTRATOR: frozenset(Action),
}


class AccessDenied(PermissionError):
    """The acting user's roles do not allow the action."""

    def __init__(self, user: User, action: Action) -> None:
        super().__init__(f"{user.id} may not {action.value} (roles: {user.role_names or 'none'})")
        self.user, self.action = user, action


@dataclass(frozen=True)
class User:
    """The person (or process) an action is done for: a stable id for the audit log, a name to
    show, and the roles that decide what they may do."""

    id: str
    name: str
    roles: frozenset[Role]
    # a person signed in through the login (not the local user, the command line or the app)
    signed_in: bool = False

    def may(self, action: Action) -> bool:
        return any(action in PERMISSIONS[role] for role in self.roles)

    @property
    def role_names(self) -> str:
        return ", ".join(sorted(role.value for role in self.roles))


def require(user: User, action: Action) -> None:
    """Raises AccessDenied unless one of the user's roles allows the action."""
    if not user.may(action):
        raise AccessDenied(user, action)


LOCAL_USER = User("local", "local", frozenset(Role))
# the demo store is built by the app itself, never by a person
SYSTEM_USER = User("system", "Vielfaltsmonitor", frozenset({Role.DATA_MAINTENANCE}))


def command_line_user() -> User:
    """The command line is the store owner's tool: it runs as the account that owns the data
    directory (file modes 0700/0600 keep everybody else out), with every role."""
    return User(f"cli:{getpass.getuser()}", getpass.getuser(), frozenset(Role))


@dataclass(frozen=True)
class RoleMapping:
    """How the login's claims give roles: the claim that holds groups or roles (Keycloak:
    "groups", Entra ID: "roles"), and which of its values give which product role."""

    claim: str
    # (role, claim values) pairs: hashable, like the rest of the settings
    values: tuple[tuple[Role, tuple[str, ...]], ...]

    def roles_of(self, claim_values: Iterable[str]) -> frozenset[Role]:
        held = set(claim_values)
        return frozenset(role for role, values in self.values if held & set(values))


def user_from_claims(claims: Mapping[str, object], mapping: RoleMapping) -> User:
    """The logged-in user from the ID token's claims. A user whose claims give no role gets
    none: logged in, but shown nothing but that."""
    raw = claims.get(mapping.claim)
    values = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, list) else []
    subject = str(claims.get("sub") or claims.get("email") or "")
    if not subject:
        raise ValueError("the login gave no subject (claim 'sub')")
    issuer = str(claims.get("iss") or "")
    name = str(claims.get("name") or claims.get("preferred_username") or claims.get("email") or "")
    return User(
        id=f"{issuer}#{subject}" if issuer else subject,
        name=name or subject,
        roles=mapping.roles_of(str(value) for value in values),
        signed_in=True,
    )


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# what a reverse proxy adds to the requests it passes on (nginx's site sends all but Forwarded)
FORWARDING_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Real-IP", "X-Forwarded-Host")


def _host_name(host: str) -> str:
    """ "127.0.0.1:8501" -> "127.0.0.1", "[::1]:8501" -> "::1"."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if host.count(":") == 1 else host


def reached_from_elsewhere(headers: Mapping[str, str]) -> str | None:
    """Why a request (its WebSocket's headers) may come from another machine, or None: a
    proxy's forwarding header, or a Host that names no loopback address. An app without a login
    listens on 127.0.0.1 only, but a proxy on the same machine (the documented nginx site)
    reaches it there and serves the whole network."""
    present = {name.lower(): value for name, value in headers.items()}
    for name in FORWARDING_HEADERS:
        if present.get(name.lower()):
            return name
    host = present.get("host", "")
    if host and _host_name(host) not in LOOPBACK_HOSTS:
        return f"Host: {_host_name(host)[:80]}"
    return None
