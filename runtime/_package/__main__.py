"""`python -m isac`: the same command line as the `isac` console script."""

import sys

from isac.runtime.cli import main

if __name__ == "__main__":
    sys.exit(main())
