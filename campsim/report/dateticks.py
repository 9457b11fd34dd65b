"""Date ticks kept per view: the same ticks as matplotlib's AutoDateLocator, computed once a view."""

from __future__ import annotations

import matplotlib.dates as mdates


class DateTicks(mdates.AutoDateLocator):
    """AutoDateLocator that keeps its ticks for a view.

    A draw asks an axis for its ticks dozens of times (the constrained layout, shared axes, the
    labels) and AutoDateLocator builds an rrule each time: about a sixth of a chart's time
    (benchmarks/report_speed.py). The ticks depend only on the view, so one per view is kept.
    """

    _kept: tuple | None = None

    def __call__(self):
        view = tuple(self.axis.get_view_interval())
        if self._kept is None or self._kept[0] != view:
            self._kept = (view, super().__call__())
        return self._kept[1]
