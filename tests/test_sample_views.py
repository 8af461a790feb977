"""The 2020 views on the bundled sample data: the annual reports, projections, and cards per block."""

from __future__ import annotations

import pandas as pd
import pytest

from cchc import views
from cchc.catalog import load_catalog
from cchc.store import Store


@pytest.fixture(scope="module")
def basis(sample_install) -> views.Basis:
    return views.basis(Store(sample_install), load_catalog())


def test_the_year_view_shows_the_annual_report_not_the_second_half_year(basis):
    rows = views.unit(basis, load_catalog(), "VANLAM", "2020", "vi").rows.set_index("indicator")
    assert (rows.loc["2d.5", "value"], rows.loc["2d.5", "source"]) == (19222.0, "2020")
    half = views.unit(basis, load_catalog(), "VANLAM", "2020-H2", "vi").rows.set_index("indicator")
    assert half.loc["2d.5", "value"] == 10405.0


def test_projections_are_filled_for_the_annual_reports(basis):
    rows = views.unit(basis, load_catalog(), "SNNPTNT", "2020", "vi").rows.set_index("indicator")
    assert rows.loc["6d.3", "status"] == "not_achieved" and rows.loc["6d.3", "value"] == pytest.approx(89.44, abs=0.01)
    targets = views.overview_table(views.overview(basis, load_catalog(), "2020", "huyen", "vi"))
    assert targets["projected"].notna().all()


def test_the_cards_follow_the_block(basis):
    cards = {b: views.overview(basis, load_catalog(), "2020", b, "vi").cards for b in ("so", "huyen")}
    assert cards["so"] != cards["huyen"]
    assert all(c.on_track == 0 for c in cards.values())  # 2020 is the target year: verdicts only
    assert cards["huyen"].total == 18 and cards["so"].total < 18  # the plan's own targets each block reports
    assert pd.notna(cards["so"].achieved)
