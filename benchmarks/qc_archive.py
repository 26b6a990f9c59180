#!/usr/bin/env python
"""Measure the QC checks of aggregated (pentad, dekad, month) series on real archives.

Run from the repository root with the project's environment:

    .venv/bin/python benchmarks/qc_archive.py                      # archive + yearbooks, 200 typos
    .venv/bin/python benchmarks/qc_archive.py --typos 500 --seed 7
    .venv/bin/python benchmarks/qc_archive.py --set period_outlier.factor=3   # try another parameter

1. The untouched Uzhydromet archive of the Chirchik (riversCentralAsia): values flagged per
   check and station; every error listed with the period's median, range and neighbours.
2. Typos injected one at a time at random dates of the four dekadal gauges: times 10, times
   100, a tenth, the decimal point shifted one place (random direction: 39.1 -> 391 or 3.91)
   and the decimal point lost (39.1 -> 391, 4.61 -> 461); share caught as errors, and as any
   error or warning on that date.
3. The same on Kyrgyzhydromet dekad yearbooks of the Chu basin (hydromet-forecasting).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from bulletin.ingest import read_observations
from bulletin.network import load_network
from bulletin.periods import period_end
from bulletin.qc import load_qc_config, run_qc
from bulletin.qc.periodic import period_stats

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"  # the real archives beside the checkout
ARCHIVE = SHARED / "chirchik-uzhydromet" / "ChirchikRiverBasin_from_rda.csv"
YEARBOOKS = SHARED / "chu-talas-yearbook"
YEARBOOK_FILES = tuple(sorted(f.name for f in YEARBOOKS.glob("decadal_*_Q.csv")))  # 17 files, 10-90 years
DEKADAL = ("chatkal_khudaydod", "pskem_mullala", "nauvalisoy_sidzhak", "charvak_inflow")
YEARS: dict[str, int] = {}  # yearbook file -> years with rows
KINDS = ("x10", "x100", "/10", "shift", "point lost")

pd.set_option("display.width", 200)
pd.set_option("display.max_rows", 500)
pd.set_option("display.max_columns", 30)


# ---- typos --------------------------------------------------------------------------------------

def typo(written: str, kind: str, rng: random.Random) -> float | None:
    """The value ``written`` (as in the file) after a typo of ``kind``; None when the kind does not apply."""
    v = Decimal(written)
    if kind == "x10":
        return float(v * 10)
    if kind == "x100":
        return float(v * 100)
    if kind == "/10":
        return float(v / 10)
    if kind == "shift":  # the decimal point one place to the right or to the left
        return float(v * 10 if rng.random() < 0.5 else v / 10)
    if kind == "point lost":  # 39.1 -> 391, 4.61 -> 461, 0.85 -> 85; nothing to lose in 120
        if "." not in written:
            return None
        lost = float(written.replace(".", ""))
        return lost if lost != float(v) else None
    raise ValueError(kind)


# ---- reading ------------------------------------------------------------------------------------

def archive_written(network) -> dict:
    """(station id, date) -> the value as written in the archive."""
    raw = pd.read_csv(ARCHIVE, dtype=str, keep_default_na=False)
    raw = raw[raw["type"] == "Q"]
    alias = {a: st.id for st in network.stations.values() for a in st.aliases}
    return {(alias[c], pd.Timestamp(d)): v for c, d, v in zip(raw["code"], raw["date"], raw["data"], strict=True)}


def yearbook_written(path: Path, station: str) -> dict:
    """(station, date) -> value as written, from a headerless yearbook (year, 36 dekads)."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = [f.strip().strip('"') for f in line.split(",")]
        if not fields or not fields[0].isdigit():
            continue
        year = int(fields[0])
        for k, v in enumerate(fields[1:37], start=1):
            if v:
                out[(station, pd.Timestamp(period_end("dekad", year, k)))] = v
    return out


# ---- reporting ----------------------------------------------------------------------------------

def flag_counts(report) -> pd.DataFrame:
    s = report.summary()
    if s.empty:
        return s
    return s.pivot_table(index="station", columns=["check", "severity"], values="days", aggfunc="sum",
                         fill_value=0)


def error_table(obs, report, config) -> pd.DataFrame:
    """Every value flagged as an error, with its period's median and range in the other years."""
    rows = []
    errors = report.errors
    for (station, variable, resolution), e in errors.groupby(["station", "variable", "resolution"]):
        s = obs.series(station, variable, resolution)
        bad = set(e["date"])
        params = config.checks_for(station, variable).get("period_outlier")
        for day in sorted(bad):
            keep = s.where(~s.index.isin(list(bad - {day})))
            st = period_stats(keep, resolution, params).loc[day] if params else None
            i = s.index.get_loc(day)
            checks = report.flags[(report.flags["station"] == station) & (report.flags["first"] <= day)
                                  & (report.flags["last"] >= day)]["check"]
            rows.append({"station": station, "date": day.date(), "value": s.iloc[i],
                         "median": None if st is None else round(st["median"], 3),
                         "low": None if st is None else st["low"], "high": None if st is None else st["high"],
                         "z": None if st is None else round(st["z"], 2), "years": None if st is None else st["years"],
                         "before": s.iloc[i - 1] if i else None, "after": s.iloc[i + 1] if i + 1 < len(s) else None,
                         "checks": ",".join(sorted(set(checks)))})
    return pd.DataFrame(rows)


def warning_table(obs, report, config) -> pd.DataFrame:
    """Every warning, with the neighbours and, for judging, the other series' ratio to their median that day."""
    f = report.flags[report.flags["severity"] == "warning"]
    rows = []
    ratios = {}
    for station, variable, resolution in obs.frame[["station", "variable", "resolution"]].drop_duplicates().to_numpy():
        s = obs.series(station, variable, resolution)
        params = config.checks_for(station, variable).get("period_outlier")
        if params:
            st = period_stats(s, resolution, params)
            ratios[station] = (s / st["median"]).round(2)
    for _, r in f.iterrows():
        s = obs.series(r["station"], r["variable"], r["resolution"])
        i = s.index.get_loc(r["first"])
        others = {k: v.get(r["first"]) for k, v in ratios.items() if k != r["station"] and r["first"] in v.index}
        rows.append({"station": r["station"], "check": r["check"], "date": r["first"].date(),
                     "before": s.iloc[i - 1] if i else None, "value": s.iloc[i],
                     "after": s.iloc[i + 1] if i + 1 < len(s) else None,
                     "ratio to median": ratios.get(r["station"], pd.Series(dtype=float)).get(r["first"]),
                     "other series, ratio to median": " ".join(f"{k[:8]}:{v:g}" for k, v in others.items()
                                                              if v is not None and np.isfinite(v))})
    return pd.DataFrame(rows)


def inject(obs, network, config, written: dict, stations, n: int, seed: int, label: str) -> pd.DataFrame:
    """Inject ``n`` typos of each kind, one at a time; the share caught per kind."""
    rng = random.Random(seed)
    frame = obs.frame
    ok = frame["station"].isin(stations) & frame["value"].notna() & (frame["value"] > 0)
    candidates = frame.index[ok].tolist()
    picks = rng.sample(candidates, min(n, len(candidates)))
    per_station = {st: replace(obs, frame=frame[frame["station"] == st].copy()) for st in stations}
    base = {st: set(run_qc(o, network, config=config).errors["date"]) for st, o in per_station.items()}
    results = []
    for idx in picks:
        station, day = frame.at[idx, "station"], frame.at[idx, "date"]
        for kind in KINDS:
            new = typo(written[(station, day)], kind, rng)
            if new is None:
                continue
            sub = per_station[station].frame.copy()
            sub.loc[idx, "value"] = new
            report = run_qc(replace(obs, frame=sub), network, config=config)
            errs = set(report.errors["date"])
            f = report.flags
            hit = f[(f["first"] <= day) & (f["last"] >= day) & (f["severity"] != "info")]
            results.append({"set": label, "kind": kind, "station": station, "date": day.date(),
                            "old": frame.at[idx, "value"], "new": new, "error": day in errs,
                            "flagged": not hit.empty, "checks": ",".join(sorted(set(hit["check"]))),
                            "other_errors": len(errs - base[station] - {day})})
    return pd.DataFrame(results)


def rates(res: pd.DataFrame) -> pd.DataFrame:
    g = res.groupby("kind", sort=False)
    return pd.DataFrame({"n": g.size(), "caught as error": g["error"].mean().round(3),
                         "error or warning": g["flagged"].mean().round(3),
                         "new errors elsewhere": g["other_errors"].sum()})


def override(config, settings: list[str]):
    """``check.param=value`` settings applied to every variable that runs the check."""
    if not settings:
        return config
    variables = {v: {c: dict(p) if p is not None else None for c, p in t.items()} for v, t in config.variables.items()}
    for item in settings:
        key, value = item.split("=")
        name, param = key.split(".")
        for table in variables.values():
            if table.get(name) is not None:
                table[name][param] = float(value)
    return replace(config, variables=variables)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--typos", type=int, default=200, help="dates drawn per data set (each gets every kind)")
    ap.add_argument("--seed", type=int, default=20260101)
    ap.add_argument("--set", action="append", default=[], help="check.param=value, e.g. period_outlier.n_sd=5")
    args = ap.parse_args(argv)
    config = override(load_qc_config(), args.set)
    t0 = time.time()

    print(f"# 1. Untouched archive: {ARCHIVE.name}")
    network = load_network("data/basin/chirchik.yaml")
    obs = read_observations([ARCHIVE], network)
    report = run_qc(obs, network, config=config)
    span = obs.frame.groupby("station")["date"].agg(["min", "max"])
    print(span.rename(columns={"min": "first", "max": "last"}).to_string())
    print("\nValues flagged per station and check (whole record; the monthly gauges 1900/1923-2011):")
    print(flag_counts(report).to_string())
    print("\nThe same, 1932-2015 only:")
    print(flag_counts(replace(report, flags=report.flags[report.flags["first"] >= "1932-01-01"])).to_string())
    print("\nValues flagged as errors:")
    errs = error_table(obs, report, config)
    print(errs.to_string(index=False) if not errs.empty else "none")
    print("\nWarnings (value between its neighbours):")
    print(warning_table(obs, report, config).to_string(index=False))

    print(f"\n# 2. Typos injected one at a time, {args.typos} dates of the dekadal gauges, seed {args.seed}")
    res = inject(obs, network, config, archive_written(network), DEKADAL, args.typos, args.seed, "archive")
    print(rates(res).to_string())
    missed = res[~res["error"]]
    print("\nTypos not caught as errors:")
    print(missed.to_string(index=False) if not missed.empty else "none")

    print("\n# 3. Kyrgyzhydromet dekad yearbooks (Chu basin)")
    all_res = []
    for i, name in enumerate(YEARBOOK_FILES):
        path = YEARBOOKS / name
        code = re.search(r"_(\d{5})_", name).group(1)
        station = f"{code}{'_short' if 'short' in name else ''}"
        yb = read_observations([path], None, allow_unknown_stations=True, station=station, variable="discharge",
                               unit="m3/s")
        rep = run_qc(yb, None, config=config)
        years = yb.frame["date"].dt.year
        YEARS[name] = int(years.nunique())
        counts = rep.summary().set_index(["check", "severity"])["days"].to_dict() if not rep.flags.empty else {}
        print(f"\n{name}: {years.min()}-{years.max()}, {yb.frame['value'].notna().sum()} values; flags: {counts}")
        e = error_table(yb, rep, config)
        if not e.empty:
            print(e.to_string(index=False))
        w = warning_table(yb, rep, config)
        if not w.empty:
            print(w[w["check"] != "period_flat_line"].drop(columns="other series, ratio to median")
                  .to_string(index=False))
            print(f"  period_flat_line: {(w['check'] == 'period_flat_line').sum()} values")
        if "short" not in name:
            all_res.append(inject(yb, None, config, yearbook_written(path, station), (station,),
                                  max(20, args.typos // 4), args.seed + i, name))
    res_yb = pd.concat(all_res, ignore_index=True)
    print(f"\nTypos in the yearbooks ({len(all_res)} files, {max(20, args.typos // 4)} dates each):")
    print(rates(res_yb).to_string())
    for label, long in (("records of 30 years or more", True), ("records of 10-23 years", False)):
        part = res_yb[res_yb["set"].map(lambda name: YEARS[name] >= 30) == long]
        print(f"\n  {label} ({part['set'].nunique()} files):")
        print(rates(part).to_string())
    missed = res_yb[~res_yb["error"]]
    print("\nTypos not caught as errors (yearbooks):")
    print(missed.to_string(index=False) if not missed.empty else "none")
    print(f"\n({time.time() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
