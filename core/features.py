"""What a handler declares about itself, so that adding a feature means adding a handler and nothing else.

Like Errbot's per-command ACLs and python-telegram-bot's handlers, a handler may say, as class attributes:

- ``access``: its commands and who may use each (``{"report": Access(...)}``), with ``command_of(req, ctx)``
  naming the command a request is; the dispatcher applies the rule before ``handle`` (``core.dispatch``);
- ``help``: its lines of the help text (``HelpEntry``);
- ``menu``: its buttons of the main quick-reply menu (``MenuEntry``);
- ``rich_menu``: its areas of LINE's rich menu (``MenuArea``);
- ``erases``: what it erases when a person asks to be forgotten (PDPA), as the stores' functions
  (``db.erasure``).

The menus interleave features, so each entry carries its ``place``; the dispatcher gathers and sorts them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from core.messages import Choice, Reply

if TYPE_CHECKING:
    from core.dispatch import Context
    from db.erasure import Erasure

#: One store's share of a person's erasure.
Eraser = Callable[["Erasure"], None]


class Rule(Protocol):
    """Who may use a command: None when this person may, else the polite reply they get instead."""

    def refusal(self, ctx: Context) -> Reply | None: ...


@dataclass(frozen=True)
class HelpEntry:
    """A line of the help text: a numbered topic, or (``footnote``) a hint after them."""

    place: int
    text: str
    footnote: bool = False


@dataclass(frozen=True)
class MenuEntry:
    """A button of the main menu (the help reply's quick replies; their first few follow other replies)."""

    place: int
    choice: Choice


@dataclass(frozen=True)
class MenuArea:
    """An area of the rich menu: its Thai label, the English one drawn without a Thai font, what it sends."""

    place: int
    thai: str
    english: str
    text: str
    colour: str


@dataclass(frozen=True)
class Features:
    """Everything the handlers declared, gathered once, in order."""

    help: tuple[HelpEntry, ...] = ()
    menu: tuple[Choice, ...] = ()
    rich_menu: tuple[MenuArea, ...] = ()
    erasers: tuple[Eraser, ...] = ()

    @classmethod
    def of(cls, handlers: Iterable[object]) -> Features:
        handlers = list(handlers)

        def gathered(attribute: str) -> list:
            return [item for h in handlers for item in getattr(h, attribute, ())]

        menu = sorted(gathered("menu"), key=lambda e: e.place)
        erasers = list(dict.fromkeys(gathered("erases")))  # a store named by two handlers erases once
        return cls(help=tuple(sorted(gathered("help"), key=lambda e: e.place)),
                   menu=tuple(entry.choice for entry in menu),
                   rich_menu=tuple(sorted(gathered("rich_menu"), key=lambda e: e.place)),
                   erasers=tuple(erasers))
