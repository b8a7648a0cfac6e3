"""``python -m casebook.cli``."""

import sys

from .main import main

sys.exit(main())
