"""`python -m modalswitch ...` is the `modalswitch` command."""

import sys

from modalswitch.cli import main

sys.exit(main())
