"""``python -m clvlib``: the same command line as ``clvlib`` (see :mod:`clvlib.cli`)."""

import sys

from clvlib.cli import main

if __name__ == "__main__":
    sys.exit(main())
