import datetime as dt

import pytest

from cchc.periods import PeriodError, all_periods, parse_period


@pytest.mark.parametrize(
    ("text", "code", "kind", "start", "end", "deadline"),
    [
        ("2018", "2018", "year", "2018-01-01", "2018-12-31", "2018-12-15"),
        ("2018-H1", "2018-H1", "half", "2018-01-01", "2018-06-30", "2018-06-15"),
        (" 2019-h2 ", "2019-H2", "half", "2019-07-01", "2019-12-31", "2019-12-15"),
        ("2018-Q3", "2018-Q3", "quarter", "2018-07-01", "2018-09-30", "2018-09-15"),
        ("2018 Q4", "2018-Q4", "quarter", "2018-10-01", "2018-12-31", "2018-12-15"),
        ("2020", "2020", "year", "2020-01-01", "2020-12-31", "2020-12-20"),
    ],
)
def test_parse_period(text, code, kind, start, end, deadline):
    p = parse_period(text)
    assert (p.code, p.kind, p.start, p.end, p.deadline) == (
        code, kind, dt.date.fromisoformat(start), dt.date.fromisoformat(end), dt.date.fromisoformat(deadline))


@pytest.mark.parametrize("text", ["", "18", "2018-H3", "2018-Q5", "2018-X1", "năm 2018", "2030", "2015"])
def test_parse_period_refuses(text):
    with pytest.raises(PeriodError):
        parse_period(text)


def test_all_periods_are_in_time_order():
    codes = [p.code for p in all_periods(("year", "half"))]
    assert codes[:3] == ["2016-H1", "2016-H2", "2016"]
    assert len(codes) == 15
