"""``python -m bot``: the same as the ``speechbot`` command."""

import sys

from .cli import main

sys.exit(main())
