"""Ownership of library handles.

A :class:`Handle` owns one pointer and frees it once, when the last Python
object that refers to it goes away (or at interpreter exit). Objects that
borrow from another handle (an analysis from its scenario, a session from
its scenario, a sequence result from its plan) keep that handle in
``keep``, so the C object they read can never be freed under them: closing
or deleting a Scenario while an Analysis still refers to it only drops the
Scenario's own reference.
"""
from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

from .errors import StateError


class Handle:
    __slots__ = ("ptr", "_free", "keep", "__weakref__")

    def __init__(self, ptr: int, free: Callable[[int], None],
                 keep: Sequence[Any] = ()) -> None:
        self.ptr = ptr
        self._free = free
        self.keep = tuple(keep)

    def __del__(self) -> None:
        ptr, self.ptr = self.ptr, None
        if ptr:
            self._free(ptr)


def live(h: Optional[Handle], what: str) -> int:
    """The pointer of an open handle; StateError for a closed one."""
    if h is None or not h.ptr:
        raise StateError(f"the {what} is closed")
    return h.ptr
