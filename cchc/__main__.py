"""``python -m cchc``: the command line (see :mod:`cchc.cli`)."""

from cchc.cli import main

if __name__ == "__main__":  # worker processes of a large ingest import this module again
    raise SystemExit(main())
