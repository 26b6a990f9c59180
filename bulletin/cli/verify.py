"""The ``verify`` command: past outlooks re-issued without their year, scored against what was observed."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .base import main, notes_of, out_folder, setup_options
from .terminal import say
from .writing import write_atomic


def _num(value, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def scores_table(v) -> str:
    """The scores of a :class:`~bulletin.outlook.verify.Verification` as a plain-text table."""
    lines = [f"Outlooks issued after {v.first} ... {v.last} ({len(v.reissues)} dekads), each without its "
             f"hydrological year in the traces; {len(v.pairs)} forecasts with an observed level, "
             f"{v.skipped} without (not verified).", "",
             "Event 'warning or higher' (p = P(warning) + P(alert); forecast when p >= 0.5)",
             f"{'lead':<5}{'n':>6}{'base rate':>11}{'Brier':>8}{'Brier clim':>12}{'BSS':>8}"
             f"{'hits':>6}{'misses':>8}{'f.alarms':>10}{'hit rate':>10}{'FAR':>7}"]
    for s in v.leads:
        lines.append(f"{s.label:<5}{s.n:>6}{_num(s.base_rate):>11}{_num(s.brier):>8}{_num(s.brier_climatology):>12}"
                     f"{_num(s.bss):>8}{s.hits:>6}{s.misses:>8}{s.false_alarms:>10}{_num(s.hit_rate):>10}"
                     f"{_num(s.false_alarm_ratio):>7}")
    how = {s.climatology for s in v.leads}
    lines.append("Climatology: " + ("base rate of the other hydrological years verified (leave-one-year-out)."
                                    if how == {"leave-one-year-out"} else
                                    "base rate of all the pairs (in-sample): one hydrological year only, "
                                    "no other year to leave it out."))
    lines += ["", "Reliability (count / mean forecast / observed frequency)",
              f"{'p':<10}" + "".join(f"{s.label:>22}" for s in v.leads)]
    for k, b in enumerate(v.leads[0].reliability):
        cells = []
        for s in v.leads:
            r = s.reliability[k]
            cells.append(f"{r.count:>6} / {_num(r.mean_forecast, 2):>5} / {_num(r.observed_frequency, 2):>5}")
        lines.append(f"{b.lower:.1f}-{b.upper:.1f}   " + "".join(f"{c:>22}" for c in cells))
    lines += ["", "Median of dekad flows (justified when |error| <= 0.674 sigma of the dekad-to-dekad change)",
              f"{'lead':<5}{'n':>6}{'justified':>11}{'share':>8}{'S/sigma':>9}"]
    for s in v.leads:
        lines.append(f"{s.label:<5}{s.flow_n:>6}{s.flow_within:>11}{_num(s.flow_within_share):>8}"
                     f"{_num(s.s_over_sigma):>9}")
    return "\n".join(lines)


def verify_command(setup, first: str, last: str) -> str:
    """The command line that computes the same scores: the range and the options that change them.

    The data, catalogue, network and QC configuration are named as given (a path under the
    working folder relative to it); the project file is not named, the files it gives are.
    """
    from ..outlook.scores import command_line, portable_path

    options = [("--data", portable_path(d)) for d in setup.data]
    options += [(f"--{name}", portable_path(value)) for name, value in
                (("catalogue", setup.catalogue), ("network", setup.network), ("qc", setup.qc)) if value]
    options += [(f"--{name.replace('_', '-')}", value) for name, value in setup.read_options().items()
                if isinstance(value, str)]
    if setup.keep_unknown:
        options.append(("--keep-unknown-stations", None))
    return command_line(first, last, options)


@main.command("verify")
@setup_options()
@click.option("--from", "first", required=True, help="First issue dekad (e.g. 2025-10-d1).")
@click.option("--to", "last", required=True, help="Last issue dekad (e.g. 2026-09-d3).")
@click.option("--out", "out_file", callback=out_folder, default=None, type=click.Path(dir_okay=False),
              help="Write the scores, with the command, software version, catalogue and inputs (SHA-256) they come "
                   "from, every outlook re-issued and every pair as JSON (bulletin generate --verification reads it).")
@click.option("--scores-only", is_flag=True,
              help="With --out: leave out every outlook re-issued and every pair (a small file of the scores).")
def verify(setup, first, last, out_file, scores_only):
    """Verify past outlooks: re-issue each dekad's outlook without its hydrological year and score it."""
    from ..outlook import verify_outlooks
    from ..outlook.scores import verification_document
    from ..outlook.verify import issue_range
    from ..qc import run_qc
    from ..series import SeriesStore

    network = setup.load_network()
    issue_range(first, last, network.seasons)  # a wrong range costs nothing: checked before the data are read
    catalogue = setup.load_catalogue(network)
    obs = setup.read(network)
    qc = run_qc(obs, network, as_of=obs.last_date, config=setup.qc_config())
    store = SeriesStore(qc.clean(obs), catalogue.settings)
    result = verify_outlooks(catalogue, network, store, qc, first, last)
    if out_file:
        doc = verification_document(result, catalogue=catalogue, network=network, inputs=obs.inputs,
                                    command=verify_command(setup, first, last), scores_only=scores_only)
        payload = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
        write_atomic(Path(out_file), payload.encode("utf-8"))
    say(scores_table(result))
    if out_file:
        say(f"wrote {out_file}")
    notes_of(obs, network)
