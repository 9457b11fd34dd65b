"""A commodity's stock on hand as first-in-first-out batches.

SimPy's Container does not fit: ``get`` waits for the full amount, ``put`` waits when
full, and it keeps no batches, so FIFO spoilage and lost overflow need this small queue.

The arithmetic is written so that the batch engine (batch.py), which keeps one column
per receipt day, performs the same floating-point operations in the same order:

- adding ``q`` adds it to the day's batch and to the total;
- taking ``q`` from the oldest batches first walks the running sum of the batches
  (``cum``): batches with ``cum <= q`` are gone, the first one past ``q`` keeps
  ``cum - q``; the total is then recounted as the left-to-right sum of the batches;
- expiring removes a batch and recounts the total the same way.

An empty column adds an exact 0.0 to a running sum, so both layouts round alike. A
non-perishable stock is kept as one batch (FIFO order changes nothing without spoilage).
"""

from __future__ import annotations

from collections import deque


class Stock:
    """Stock on hand as batches ``[receipt_day, quantity]``, oldest first."""

    __slots__ = ("batches", "total", "perishable")

    def __init__(self, perishable: bool = True) -> None:
        self.batches: deque[list[float]] = deque()
        self.total = 0.0
        self.perishable = perishable

    def add(self, day: int, quantity: float) -> None:
        """Put ``quantity`` received on ``day`` on the shelf."""
        if quantity <= 0:
            return
        if self.batches and (not self.perishable or self.batches[-1][0] == day):
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
        cum = 0.0
        while self.batches:
            batch = self.batches[0]
            cum += batch[1]
            if cum <= quantity:
                self.batches.popleft()
            else:
                batch[1] = cum - quantity
                break
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
        # A plain loop, not sum(): Python 3.12's sum() of floats compensates rounding,
        # and the batch engine's running sum does not.
        total = 0.0
        for batch in self.batches:
            total += batch[1]
        self.total = total
