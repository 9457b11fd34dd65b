"""Money in: each commodity's tranches, from its funded share of the requirement and the disbursement."""

from __future__ import annotations

import numpy as np

from campsim.model import standards
from campsim.model.scenario import Scenario


def tranche_schedule(s: Scenario, requirements: np.ndarray) -> tuple[tuple[int, int, float], ...]:
    """(day, line, USD) of every line's tranches, in the order the engines pay them.

    Each line gets funded_fraction x requirement, spread by the disbursement schedule;
    tranches of 0 and those outside the horizon are left out.
    """
    out = []
    plan = s.funding.disbursement
    for line, name in enumerate(s.commodities):
        total = s.funded_fraction(name) * float(requirements[line])
        if plan.mode == "upfront":
            paid = [(0, total)]
        elif plan.mode == "monthly":
            days = list(range(0, s.days, standards.MONTHLY_TRANCHE_INTERVAL_DAYS))
            paid = [(d, total / len(days)) for d in days]
        else:
            paid = [(t.day_index(s.start), t.share * total) for t in plan.tranches]
        out += [(day, line, amount) for day, amount in paid if amount > 0 and 0 <= day < s.days]
    return tuple(sorted(out))
