"""Alert state across bulletins and reservoir methods, on hand-checkable cases."""

import math

import numpy as np
import pytest

from bulletin.methods import (
    alert_state,
    balance_residual,
    days_of_release_left,
    fill_percent_of_useful,
    margin_above_dead,
    state_change,
)

# ---- alert state ------------------------------------------------------------------------------
# Sequences are oldest first; the last is the bulletin's period. N = deescalation_periods.


@pytest.mark.parametrize(("levels", "expected"), [
    # nothing to report
    (["normal"], ("normal", None)),
    (["normal", "normal"], ("normal", None)),
    # up from normal: new, also when the history starts with the level (nothing before = normal)
    (["normal", "watch"], ("watch", "new")),
    (["alert"], ("alert", "new")),
    (["normal", "alert"], ("alert", "new")),
    # up from a level: escalated at once, by one level or by several
    (["watch", "warning"], ("warning", "escalated")),
    (["watch", "alert"], ("alert", "escalated")),
    # the same level again: continuing
    (["warning", "warning"], ("warning", "continuing")),
    # one period lower is not enough with N = 2: the level is kept
    (["warning", "watch"], ("warning", "continuing")),
    (["warning", "normal"], ("warning", "continuing")),
    # two periods lower: down to the highest of the two
    (["warning", "watch", "watch"], ("watch", "de-escalated")),
    (["alert", "warning", "watch"], ("warning", "de-escalated")),
    (["alert", "watch", "warning"], ("warning", "de-escalated")),
    # down to normal: ended (reported with level normal), then nothing
    (["watch", "normal", "normal"], ("normal", "ended")),
    (["warning", "normal", "normal"], ("normal", "ended")),
    (["watch", "normal", "normal", "normal"], ("normal", None)),
    # coming down step by step: each step needs the last two periods below the current level
    (["alert", "warning", "warning", "watch"], ("warning", "continuing")),
    (["alert", "warning", "watch", "normal"], ("watch", "de-escalated")),
    (["alert", "warning", "watch", "normal", "normal"], ("normal", "ended")),
    # a rise during the wait resets it
    (["warning", "watch", "warning", "watch"], ("warning", "continuing")),
])
def test_alert_state_transitions_with_two_periods(levels, expected):
    assert alert_state(levels, 2) == expected


@pytest.mark.parametrize(("levels", "effective", "states"), [
    # flip-flop across a threshold: once raised, the level stays raised
    (["normal", "watch", "normal", "watch", "normal", "watch"],
     ["normal", "watch", "watch", "watch", "watch", "watch"],
     [None, "new", "continuing", "continuing", "continuing", "continuing"]),
    (["warning", "watch", "warning", "watch", "warning"],
     ["warning"] * 5,
     ["new", "continuing", "continuing", "continuing", "continuing"]),
])
def test_flip_flop_does_not_flip_the_effective_level(levels, effective, states):
    # each bulletin in turn, from the history up to its period
    got = [alert_state(levels[:i + 1], 2) for i in range(len(levels))]
    assert [lev for lev, _ in got] == effective
    assert [s for _, s in got] == states


def test_one_period_lowers_at_once_and_three_wait_longer():
    assert alert_state(["warning", "watch"], 1) == ("watch", "de-escalated")
    assert alert_state(["watch", "normal"], 1) == ("normal", "ended")
    assert alert_state(["warning", "watch", "watch"], 3) == ("warning", "continuing")
    assert alert_state(["warning", "watch", "watch", "watch"], 3) == ("watch", "de-escalated")


def test_no_data_keeps_the_effective_level():
    # the period itself without data: no_data, no state
    assert alert_state(["warning", "no_data"], 2) == ("no_data", None)
    assert alert_state(["no_data"], 2) == ("no_data", None)
    # a gap neither raises, nor lowers, nor counts towards the periods below
    assert alert_state(["warning", "no_data", "watch"], 2) == ("warning", "continuing")
    assert alert_state(["warning", "watch", "no_data", "no_data", "watch"], 2) == ("watch", "de-escalated")
    assert alert_state(["normal", "no_data", "watch"], 2) == ("watch", "new")
    assert alert_state(["watch", "no_data", "watch"], 2) == ("watch", "continuing")
    assert alert_state(["no_data", "no_data", "warning"], 2) == ("warning", "new")


def test_a_longer_history_gives_the_same_answer():
    # the effective level depends on the last N + 1 periods with data only
    tail = ["alert", "warning", "watch"]
    for head in (["normal"] * 5, ["alert"] * 5, ["watch", "normal", "warning", "normal", "normal"]):
        assert alert_state(head + tail, 2) == alert_state(tail, 2) == ("warning", "de-escalated")


def test_state_change_table():
    assert state_change("normal", "watch") == "new"
    assert state_change("watch", "alert") == "escalated"
    assert state_change("warning", "warning") == "continuing"
    assert state_change("alert", "watch") == "de-escalated"
    assert state_change("watch", "normal") == "ended"
    assert state_change("normal", "normal") is None


@pytest.mark.parametrize(("levels", "n", "message"), [
    ([], 2, "at least one period"),
    (["normal", "red"], 2, "'red' is not a level"),
    (["normal"], 0, "deescalation_periods must be a whole number >= 1"),
    (["normal"], 1.5, "deescalation_periods must be a whole number >= 1"),
])
def test_alert_state_rejects_bad_input(levels, n, message):
    with pytest.raises(ValueError, match=message):
        alert_state(levels, n)


# ---- reservoirs -------------------------------------------------------------------------------
# Toktogul (BWO Syrdarya, icwc-aral.uz/bwosyr.htm): total 19,500 Mm3, dead 5,500 Mm3, useful 14,000 Mm3.


def test_fill_percent_of_useful():
    assert fill_percent_of_useful(5500, 5500, 19500) == 0.0
    assert fill_percent_of_useful(19500, 5500, 19500) == 100.0
    assert fill_percent_of_useful(12500, 5500, 19500) == pytest.approx(50.0)
    assert fill_percent_of_useful(9000, 5500, 19500) == pytest.approx(25.0)  # the critical 9 km3
    assert fill_percent_of_useful(5000, 5500, 19500) == pytest.approx(-500 / 14000 * 100)  # not clipped
    assert math.isnan(fill_percent_of_useful(float("nan"), 5500, 19500))
    assert math.isnan(fill_percent_of_useful(None, 5500, 19500))
    with pytest.raises(ValueError, match="must exceed the dead volume"):
        fill_percent_of_useful(100, 500, 500)


def test_fill_percent_of_useful_on_arrays():
    import numpy as np

    np.testing.assert_allclose(fill_percent_of_useful(np.array([5500.0, 12500.0, np.nan]), 5500, 19500),
                               [0.0, 50.0, np.nan])


def test_margin_above_dead():
    assert margin_above_dead(9000, 5500) == 3500
    assert margin_above_dead(5000, 5500) == -500
    assert math.isnan(margin_above_dead(None, 5500))


def test_days_of_release_left():
    # 3,500 Mm3 above dead; release 500 m3/s = 43.2 Mm3/day -> 81.0185... days
    assert days_of_release_left(9000, 5500, 500) == pytest.approx(3500 / 43.2)
    # 1 m3/s net for a day is 0.0864 Mm3: 864 Mm3 at 100 m3/s net outflow is exactly 100 days
    assert days_of_release_left(1864, 1000, 600, inflow=500) == pytest.approx(100.0)
    assert days_of_release_left(9000, 5500, 300, inflow=300) == math.inf
    assert days_of_release_left(9000, 5500, 200, inflow=300) == math.inf
    assert days_of_release_left(5000, 5500, 500) == 0.0
    assert math.isnan(days_of_release_left(None, 5500, 500))
    assert math.isnan(days_of_release_left(9000, 5500, float("nan")))


def test_balance_residual():
    # 10 days at inflow 300 and release 200 m3/s: net +100 m3/s x 0.0864 x 10 = +86.4 Mm3 expected
    residual, pct = balance_residual(86.4, 300, 200, 10)
    assert residual == pytest.approx(0.0, abs=1e-12) and pct == pytest.approx(0.0, abs=1e-12)
    # the volume rose by 100 Mm3: 13.6 Mm3 unexplained, of flows (300 + 200) x 0.0864 x 10 = 432 Mm3
    residual, pct = balance_residual(100, 300, 200, 10)
    assert residual == pytest.approx(13.6)
    assert pct == pytest.approx(13.6 / 432 * 100)  # 3.15 %
    # the volume fell by 10 Mm3 with no flow at all: -10 Mm3, no share of flows
    residual, pct = balance_residual(-10, 0, 0, 10)
    assert residual == -10 and math.isnan(pct)
    residual, pct = balance_residual(None, 300, 200, 10)
    assert math.isnan(residual) and math.isnan(pct)


def test_balance_residual_per_period_arrays():
    # the quality check passes one array per dekad; each element is the scalar case above
    residual, pct = balance_residual(np.array([86.4, 100.0, -10.0, np.nan]), np.array([300, 300, 0, 300]),
                                     np.array([200, 200, 0, 200]), np.array([10, 10, 10, 11]))
    np.testing.assert_allclose(residual[:3], [0.0, 13.6, -10.0], atol=1e-12)
    np.testing.assert_allclose(pct[:2], [0.0, 13.6 / 432 * 100], atol=1e-12)
    assert np.isnan(pct[2]) and np.isnan(residual[3]) and np.isnan(pct[3])


def test_change_against_an_earlier_period():
    from bulletin.methods import change

    # SIC ICWC style "inflow 338 Mm3 (last year 346)": 100 (338 - 346) / 346 = -2.312 %
    assert change(338.0, 346.0) == pytest.approx(-800 / 346)
    assert change(338.0, 346.0, relative=False) == pytest.approx(-8.0)
    assert change(150.0, 100.0) == pytest.approx(50.0)
    assert math.isnan(change(10.0, 0.0))  # no percentage of nothing
    assert change(10.0, 0.0, relative=False) == pytest.approx(10.0)
    assert math.isnan(change(float("nan"), 100.0)) and math.isnan(change(100.0, None))


# ---- withdrawals against seasonal limits (hand-computed) ---------------------------------------

def test_withdrawn_volume_and_limit_share():
    from bulletin.methods import limit_share, withdrawn_volume

    # 100 m3/s for a 10-day dekad = 100 x 10 x 0.0864 = 86.4 Mm3; three dekads 10, 10, 11 days
    assert withdrawn_volume([100.0], [10]) == pytest.approx(86.4)
    assert withdrawn_volume([100.0, 50.0, 0.0], [10, 10, 11]) == pytest.approx(86.4 + 43.2)
    assert math.isnan(withdrawn_volume([100.0, float("nan")], [10, 10]))
    # KZ (Dustlik canal) growing-season limit 2025: 0.909 km3 = 909 Mm3 (ICWC, as published by BWO Syrdarya)
    assert limit_share(454.5, 909.0) == pytest.approx(50.0)
    assert math.isnan(limit_share(10.0, 0.0))


def test_projected_use_at_the_current_rate():
    from bulletin.methods import projected_use

    # 500 Mm3 used by 31 July; 60 m3/s for the 61 days of August-September: 500 + 60 x 61 x 0.0864
    assert projected_use(500.0, 60.0, 61) == pytest.approx(500.0 + 316.224)
    assert projected_use(500.0, 60.0, 0) == pytest.approx(500.0)
    assert math.isnan(projected_use(500.0, float("nan"), 10))
    assert math.isnan(projected_use(500.0, 60.0, -1))
