"""Officers, teams and roles, and the permission rules of office mode (see docs/office.md).

Pure decisions over a :class:`Directory` (the registered officers and the teams, read from the
database by ``omtui.store.access``); nothing here touches the database.

Roles:

* **offender manager**: opens the cases of their own team, edits their own caseload (the
  cases whose ``om`` is them), creates cases allocated to themselves;
* **duty officer**: looks up any case (read-only; every look-up is audited), edits nothing;
* **team manager**: opens and edits the cases of their team and unallocated cases,
  reallocates them, registers officers and teams, sees the team's due list;
* **trainer**: training data only (the cases of a training team), edits them.

Anyone registered may *look up* any case that is not training data (the duty look-up); the
look-up is audited. A case belongs to the officer its ``om`` names (username or display name,
case-insensitive); the case's team is that officer's team.

**Sole-officer mode**: while no officer is registered (a personal SQLite file, ``make run``)
there is nothing to enforce: whoever runs omtui is an offender manager owning every case.
Registering the first officer (``omtui officer add``) turns office mode on for that database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

from omtui.services import StoreError


class PermissionDenied(StoreError):
    """The officer's role does not allow this (the message says why and what to do)."""


class Role(str, Enum):
    OFFENDER_MANAGER = "offender_manager"
    DUTY_OFFICER = "duty_officer"
    TEAM_MANAGER = "team_manager"
    TRAINER = "trainer"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @classmethod
    def parse(cls, text: str) -> Role:
        key = text.strip().lower().replace("-", "_").replace(" ", "_")
        aliases = {"om": "offender_manager", "duty": "duty_officer", "tm": "team_manager",
                   "manager": "team_manager"}
        key = aliases.get(key, key)
        try:
            return cls(key)
        except ValueError:
            names = ", ".join(r.value for r in cls)
            raise ValueError(f"unknown role {text!r} (one of: {names})") from None


class Action(str, Enum):
    OPEN = "open"              # read a whole case (get_case), a plan, an induction, history
    LOOKUP = "lookup"          # the duty look-up of any case (read-only, audited)
    EDIT = "edit"              # change a case's facts, events, plan, induction
    CREATE = "create"          # add a new case (save_case of a new CRN, import)
    REALLOCATE = "reallocate"  # change a case's offender manager
    MANAGE = "manage"          # register officers and teams
    TEAM_VIEW = "team_view"    # a team's caseload and due list


def _fold(name: str | None) -> str:
    return (name or "").strip().casefold()


@dataclass(frozen=True)
class Officer:
    username: str
    role: Role
    team: str | None = None
    display_name: str | None = None
    registered: bool = True

    @property
    def names(self) -> frozenset[str]:
        return frozenset(n for n in (_fold(self.username), _fold(self.display_name)) if n)

    def label(self) -> str:
        return self.display_name or self.username


@dataclass(frozen=True)
class Team:
    name: str
    training: bool = False


@dataclass
class Directory:
    """The registered officers and the teams of one database."""

    officers: list[Officer] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_name: dict[str, Officer] = {}
        for o in self.officers:
            for n in o.names:
                self._by_name.setdefault(n, o)
        self._teams = {t.name: t for t in self.teams}

    @property
    def office_mode(self) -> bool:
        return any(o.registered for o in self.officers)

    def officer(self, name: str | None) -> Officer | None:
        """The registered officer a username or display name (any case) names."""
        return self._by_name.get(_fold(name))

    def team(self, name: str | None) -> Team | None:
        return self._teams.get(name) if name else None

    def team_of(self, om: str | None) -> str | None:
        owner = self.officer(om)
        return owner.team if owner is not None else None

    def is_training(self, om: str | None) -> bool:
        team = self.team(self.team_of(om))
        return team is not None and team.training

    def members(self, team: str) -> list[Officer]:
        return sorted((o for o in self.officers if o.team == team), key=lambda o: o.username)

    def names_in_team(self, team: str) -> set[str]:
        return {n for o in self.members(team) for n in o.names}


SOLE_OFFICER = Role.OFFENDER_MANAGER


@dataclass(frozen=True)
class Access:
    """Who is acting (``me``), in which database (``directory``): answers "may I?"."""

    username: str
    directory: Directory

    @property
    def sole(self) -> bool:
        """Sole-officer mode: nothing registered, nothing enforced."""
        return not self.directory.office_mode

    @property
    def me(self) -> Officer | None:
        found = self.directory.officer(self.username)
        return found if found is not None and found.registered else None

    @property
    def role(self) -> Role:
        me = self.me
        return me.role if me is not None else SOLE_OFFICER

    def owns(self, om: str | None) -> bool:
        me = self.me
        return me is not None and _fold(om) in me.names

    def in_my_team(self, om: str | None) -> bool:
        me = self.me
        return me is not None and me.team is not None and self.directory.team_of(om) == me.team

    def unallocated(self, om: str | None) -> bool:
        return self.directory.officer(om) is None

    def reason(self, action: Action, crn: str | None = None, om: str | None = None,
               new_om: str | None = None) -> str | None:
        """None if allowed, else why not (a sentence for the officer)."""
        if self.sole:
            return None
        me = self.me
        if me is None:
            return (f"officer {self.username!r} is not registered in this office database "
                    "(a team manager adds officers with `omtui officer add`)")
        what = f"case {crn}" if crn else "this case"
        training = self.directory.is_training(om)
        role = me.role
        if role is Role.TRAINER:
            if action in (Action.MANAGE, Action.TEAM_VIEW):
                return f"a trainer cannot {action.value.replace('_', ' ')}"
            if not training:
                return f"a trainer works on training data only; {what} is not training data"
            if action is Action.REALLOCATE and not self.directory.is_training(new_om):
                return "a trainer can allocate training cases only to a training team"
            return None
        if training and action is not Action.LOOKUP and not (
                role is Role.TEAM_MANAGER and self.in_my_team(om)):
            return f"{what} is training data"
        if action is Action.LOOKUP:
            return f"{what} is training data" if training else None
        if action is Action.MANAGE:
            return None if role is Role.TEAM_MANAGER else (
                "only a team manager registers officers and teams")
        if action is Action.TEAM_VIEW:
            return None if role is Role.TEAM_MANAGER else (
                "only a team manager sees a team's caseload")
        if role is Role.DUTY_OFFICER:
            if action is Action.OPEN:
                return None            # a duty officer's open is a look-up (audited as one)
            return f"a duty officer has a read-only view: {what} cannot be changed"
        if role is Role.OFFENDER_MANAGER:
            if action is Action.OPEN:
                if self.owns(om) or self.in_my_team(om):
                    return None
                return (f"{what} is outside your team (OM: {om or 'not allocated'}); "
                        "use the duty look-up, which is recorded in the audit trail")
            if action in (Action.EDIT, Action.CREATE):
                if self.owns(om):
                    return None
                return (f"{what} is not on your caseload (OM: {om or 'not allocated'}); "
                        "only its offender manager or the team manager can change it")
            if action is Action.REALLOCATE:
                return "only a team manager reallocates cases"
        if role is Role.TEAM_MANAGER:
            mine = self.in_my_team(om) or self.owns(om) or self.unallocated(om)
            if action in (Action.OPEN, Action.EDIT, Action.CREATE, Action.REALLOCATE):
                if not mine:
                    return (f"{what} belongs to another team ({self.directory.team_of(om)}); "
                            "use the duty look-up to read it")
                if action is Action.REALLOCATE and new_om is not None \
                        and self.directory.officer(new_om) is None:
                    return f"{new_om!r} is not a registered officer"
                return None
        return f"not allowed: {action.value}"

    def check(self, action: Action, crn: str | None = None, om: str | None = None,
              new_om: str | None = None) -> None:
        why = self.reason(action, crn, om, new_om)
        if why is not None:
            raise PermissionDenied(why)

    def may(self, action: Action, crn: str | None = None, om: str | None = None) -> bool:
        return self.reason(action, crn, om) is None

    def caseload_names(self) -> set[str] | None:
        """Folded OM names whose cases make up ``list_cases`` (None: every case)."""
        if self.sole:
            return None
        me = self.me
        if me is None:
            return set()
        if me.role is Role.OFFENDER_MANAGER:
            return set(me.names)
        if me.role in (Role.TEAM_MANAGER, Role.TRAINER):
            return self.directory.names_in_team(me.team) if me.team else set(me.names)
        return set()                   # a duty officer has no caseload: the look-up is theirs


def directory_from(officers: Iterable[Officer], teams: Iterable[Team]) -> Directory:
    return Directory(list(officers), list(teams))
