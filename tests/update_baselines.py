"""Rewrite tests/baselines/*.json from the shipped scenarios: `python tests/update_baselines.py`.

Run it only when a change of results is intended, and say why in the commit message.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import campsim  # noqa: E402


def main() -> None:
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        summary = campsim.simulate(campsim.load_scenario(path)).summary
        out = ROOT / "tests" / "baselines" / f"{path.stem}.json"
        out.write_text(json.dumps(summary, indent=2) + "\n")
        print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
