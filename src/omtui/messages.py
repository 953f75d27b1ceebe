"""Messages that cross screens. Widget-local messages are nested in their widgets."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class OpenCase(Message):
    """Someone chose a case (caseload row, look-up result, palette): the app opens its view."""

    crn: str


@dataclass
class CaseChanged(Message):
    """A case was changed in the store (a contact logged, a warning issued...): screens that
    show it reload. Posted to the app, which forwards it to every screen on the stack."""

    crn: str

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, CaseChanged) and message.crn == self.crn
