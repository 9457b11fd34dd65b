"""A commodity's stock on hand as first-in-first-out batches.

SimPy's Container does not fit: ``get`` waits for the full amount, ``put`` waits when
full, and it keeps no batches, so FIFO spoilage and lost overflow need this small queue.
"""

from __future__ import annotations

from collections import deque


class Stock:
    """Stock on hand as batches ``[receipt_day, quantity]``, oldest first."""

    __slots__ = ("batches", "total")

    def __init__(self) -> None:
        self.batches: deque[list[float]] = deque()
        self.total = 0.0

    def add(self, day: int, quantity: float) -> None:
        """Put ``quantity`` received on ``day`` on the shelf."""
        if quantity <= 0:
            return
        if self.batches and self.batches[-1][0] == day:
            self.batches[-1][1] += quantity
        else:
            self.batches.append([day, quantity])
        self.total += quantity

    def take(self, quantity: float) -> float:
        """Take up to ``quantity``, oldest stock first; return what was taken."""
        if quantity <= 0:
            return 0.0
        if quantity >= self.total:
            taken = self.total
            self.batches.clear()
            self.total = 0.0
            return taken
        remaining = quantity
        while remaining > 0 and self.batches:
            batch = self.batches[0]
            if batch[1] <= remaining:
                remaining -= batch[1]
                self.batches.popleft()
            else:
                batch[1] -= remaining
                remaining = 0.0
        self._recount()
        return quantity

    def expire(self, received_on_or_before: int) -> float:
        """Remove batches received on or before a day; return the quantity removed."""
        if not self.batches or self.batches[0][0] > received_on_or_before:
            return 0.0
        removed = 0.0
        while self.batches and self.batches[0][0] <= received_on_or_before:
            removed += self.batches.popleft()[1]
        self._recount()
        return removed

    def _recount(self) -> None:
        # The total is the sum of the batches, recounted after each removal, so it can
        # never drift from them (or below zero) however many tiny receipts come and go.
        self.total = sum(batch[1] for batch in self.batches)
