"""``python -m contract``: check an upstream (or the embedded sandbox) against the two contracts."""

import sys

from contract.cli import main

sys.exit(main(sys.argv[1:]))
