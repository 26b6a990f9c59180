"""The ``scenario`` command: the outlook with changed inputs (a scenario file), side by side with the baseline."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import UsageError
from .base import main, notes_of, one_period, out_folder, setup_options
from .terminal import say
from .writing import write_all_atomic

CELL = 17
"""Width of one outlook's cell in the table: P(warning or higher) and the median."""


def _num(value, digits: int) -> str:
    return "-" if value is None else f"{round(value, digits) + 0.0:.{digits}f}"  # + 0.0: no "-0"


def _digits(unit: str, median) -> int:
    """Decimals of a median: 3 for km3, none for large flows, 1 otherwise."""
    if median is not None and abs(median) >= 100:
        return 0
    return 3 if unit == "km3" else 1


def _cell(row, marked: bool) -> str:
    if row is None:
        return f"{'not assessed':>{CELL}}"
    text = f"{row.at_least('warning'):.2f} {_num(row.median, _digits(row.unit, row.median)):>9}"
    return f"{text + (' *' if marked else '  '):>{CELL}}"


def comparison_table(result) -> str:
    """A :class:`~bulletin.outlook.scenario.ScenarioComparison` as a plain-text table, one line per indicator and lead."""
    base = result.baseline
    years = base.traces_years
    span = f"hydrological years {years[0]}-{years[-1]}" if years else "no year"
    lines = [f"Scenarios of {result.file}: outlook issued after {result.issue_period} "
             f"({len(years)} traces, {span}; {base.excluded_year} left out).", "",
             "  S0  baseline: the outlook without changes"]
    for k, res in enumerate(result.results, start=1):
        s = res.scenario
        lines.append(f"  S{k}  {s.id}: {s.name('en')} ({len(res.differing)} rows differ)")
        lines += [f"        {ch.sentence()}" for ch in s.changes] or ["        no change"]
        for note in res.notes:
            lines.append(f"        note: {note}")
    lines += ["", "Each cell: P(warning or higher) and the median of the traces [unit]; "
                  "* marks a row that differs from the baseline (a probability or the median).", ""]
    width = max([len(r.indicator) for r in base.rows] + [20]) + 3
    head = f"{'indicator':<{width}}{'lead':<11}{'period':<11}{'unit':<6}"
    lines.append(head + "".join(f"{'S' + str(k):>{CELL}}" for k in range(len(result.results) + 1)))
    base_rows = {(r.indicator, r.lead_label): r for r in base.rows}
    comparisons = [{(c.indicator, c.lead_label): c for c in res.rows} for res in result.results]
    for key in dict.fromkeys([*base_rows, *(k for cmp in comparisons for k in cmp)]):
        cmps = [cmp.get(key) for cmp in comparisons]
        ref = next((c for c in cmps if c is not None), None) or base_rows[key]
        differs = any(c is not None and c.differs for c in cmps)
        lines.append(f"{('* ' if differs else '  ') + key[0]:<{width}}{key[1]:<11}{ref.period:<11}{ref.unit:<6}"
                     + _cell(base_rows.get(key), False)
                     + "".join(_cell(None if c is None else c.scenario, c is not None and c.differs) for c in cmps))
    return "\n".join(lines)


@main.command("scenario")
@setup_options()
@click.argument("spec", type=click.Path(dir_okay=False))
@click.option("--period", multiple=True, callback=one_period, metavar="PERIOD",
              help="The issue dekad (2026-11-d2), given once; 'latest' (the default) is the latest dekad in which at least half of the "
                   "indicators have data, as for generate.")
@click.option("--out", "out_dir", callback=out_folder, default=None, type=click.Path(file_okay=False),
              help="Write scenario.json (every outlook and the comparison) and scenario.csv into this folder.")
def scenario(setup, spec, period, out_dir):
    """Issue the outlook with the changes of each scenario of SPEC (YAML) and compare it with the baseline."""
    from ..outlook import load_scenarios, run_scenarios
    from ..pipeline import DataCoverage, resolve_period
    from ..qc import run_qc
    from ..series import SeriesStore

    network = setup.load_network()
    scenarios = load_scenarios(spec, network)  # a wrong file costs nothing: checked before the data are read
    catalogue = setup.load_catalogue(network)
    obs = setup.read(network)
    qc = run_qc(obs, network, as_of=obs.last_date, config=setup.qc_config())
    good = qc.clean(obs)
    store = SeriesStore(good, catalogue.settings)
    issue = resolve_period(period, good, network, DataCoverage(catalogue, network, store, qc))
    if issue.kind != "dekad":
        raise UsageError(f"an outlook is issued after a dekad; {issue.label} is a {issue.kind}.",
                         hint="give a dekad with --period, e.g. --period 2026-11-d2.")
    result = run_scenarios(catalogue, network, store, issue, scenarios)
    if out_dir:
        out = Path(out_dir)
        payload = json.dumps(result.as_json(), ensure_ascii=False, indent=2) + "\n"
        write_all_atomic({out / "scenario.json": payload.encode("utf-8"),
                          out / "scenario.csv": result.as_csv().encode("utf-8")})
    say(comparison_table(result))
    if out_dir:
        say(f"wrote {Path(out_dir) / 'scenario.json'}")
        say(f"wrote {Path(out_dir) / 'scenario.csv'}")
    notes_of(obs, network)
