"""``python -m numtorch SCRIPT [ARGS...]``: run an unmodified PyTorch script on numtorch."""

import sys

from numtorch._runner import main

if __name__ == "__main__":
    sys.exit(main())
