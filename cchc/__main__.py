"""``python -m cchc``: the command line (see :mod:`cchc.cli`)."""

from cchc.cli import main

raise SystemExit(main())
