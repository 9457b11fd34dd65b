"""``python -m campsim`` works like the ``campsim`` command."""

import sys

from campsim.cli import main

sys.exit(main())
