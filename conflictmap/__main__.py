import sys

from conflictmap.cli import main

sys.exit(main())
