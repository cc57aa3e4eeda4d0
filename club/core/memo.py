"""Values kept in this process's memory, for the hottest reads of a request.

A shared cache (Redis) costs a round trip and an unpickling per read — more
than the query it saves for small rows read on every write (an earning rule,
a survey's answer rules). A `Memo` keeps them in a dict of this process,
bounded in size, each for `seconds` at most (None: until dropped, for keys
that carry their own version, such as a survey's structure version).

Each process has its own copy: a change made in another process is seen when
the entry expires, or at once when the key holds a version the change
replaces. `memos_clear()` empties every memo of this process (tests call it
between tests, as they clear the shared cache).
"""

import time
import weakref
from collections import OrderedDict
from typing import Any

_memos: "weakref.WeakSet[Memo]" = weakref.WeakSet()


class Memo:
    def __init__(self, *, seconds: float | None, max_entries: int = 512, clock=time.monotonic):
        self.seconds = seconds
        self.clock = clock
        self.max_entries = max_entries
        self._entries: OrderedDict[Any, tuple[float, Any]] = OrderedDict()
        _memos.add(self)

    def get(self, key, default=None):
        found = self._entries.get(key)
        if found is None:
            return default
        expires, value = found
        if expires and expires < self.clock():
            self._entries.pop(key, None)
            return default
        return value

    def set(self, key, value) -> None:
        expires = self.clock() + self.seconds if self.seconds else 0.0
        self._entries[key] = (expires, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def discard(self, key) -> None:
        self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()


def memos_clear() -> None:
    for memo in list(_memos):
        memo.clear()
