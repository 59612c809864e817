"""Button data: every kind of button has its own prefix, and every action survives the round trip."""

from __future__ import annotations

import typing

from bot.ui import callbacks as cb


def test_every_kind_of_button_has_its_own_prefix() -> None:
    prefixes = [cb.encode(kind(*([1] * len(kind._fields)))).split(":")[0] for kind in _kinds()]
    assert len(prefixes) == len(set(prefixes)), prefixes


def test_every_action_decodes_to_itself() -> None:
    for kind in _kinds():
        action = kind(*range(1, len(kind._fields) + 1))
        assert cb.decode(cb.encode(action)) == action


def _kinds() -> list[type]:
    return [k for k in typing.get_args(cb.Action) if k is not cb.Admin]
