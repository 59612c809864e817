"""``python -m devtools.bench``: see :mod:`devtools.bench.cli`."""

import sys

from .cli import main

sys.exit(main())
