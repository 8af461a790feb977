"""The sample's manifests: where the files are and when, by whom, each was uploaded.

``manifest.csv`` lists the reports in upload order, ``par_scores/manifest.csv`` the PAR score sheets and who of
the appraisal council uploaded each, ``bad/manifest.csv`` the faulty files. Standard library only: the first
start reads these and ingests the files, nothing else of the sample package.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_data"
MANIFEST = "manifest.csv"
MANIFEST_FIELDS = ("file", "unit", "period", "received_at", "uploaded_by")
BAD_DIR = "bad"
BAD_MANIFEST = "manifest.csv"
SCORE_DIR = "par_scores"
SCORE_MANIFEST = "manifest.csv"
SCORE_FIELDS = ("file", "year", "block", "appraised_by")


@dataclass(frozen=True)
class Entry:
    """One manifest row: a file and when and by whom it was uploaded."""

    file: str
    unit: str
    period: str
    received_at: dt.datetime
    uploaded_by: str


@dataclass(frozen=True)
class ScoreEntry:
    """One score sheet of the sample and who of the council uploaded (appraised) it."""

    file: str
    year: int
    block: str
    appraised_by: str


def write_manifest(path: Path, entries: Iterable[Entry]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(MANIFEST_FIELDS)
        writer.writerows((e.file, e.unit, e.period, e.received_at.isoformat(), e.uploaded_by) for e in entries)


def read_manifest(path: Path) -> list[Entry]:
    """The manifest's rows in upload order."""
    with path.open(encoding="utf-8", newline="") as f:
        return [Entry(r["file"], r["unit"], r["period"], dt.datetime.fromisoformat(r["received_at"]),
                      r["uploaded_by"]) for r in csv.DictReader(f)]


def write_score_manifest(path: Path, entries: Iterable[ScoreEntry]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(SCORE_FIELDS)
        writer.writerows((e.file, e.year, e.block, e.appraised_by) for e in entries)


def read_score_manifest(path: Path) -> list[ScoreEntry]:
    """The score sheets in upload order."""
    with path.open(encoding="utf-8", newline="") as f:
        return [ScoreEntry(r["file"], int(r["year"]), r["block"], r["appraised_by"]) for r in csv.DictReader(f)]
