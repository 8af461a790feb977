"""``python -m cchc``: the command line (see :mod:`cchc.cli`)."""

if __name__ == "__main__":  # worker processes of a large ingest import this module again: keep it light
    from cchc.cli import main

    raise SystemExit(main())
