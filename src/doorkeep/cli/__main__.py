"""``python -m doorkeep.cli``: the ``doorkeep`` command."""

import sys

from doorkeep.cli import main

sys.exit(main())
