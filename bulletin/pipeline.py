"""Wires the stages: ingest -> qc -> evaluate -> products -> document. Each stage is callable on its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .catalogue import Catalogue, load_catalogue
from .document import Bulletin, build_bulletin
from .errors import DataQualityError, UsageError
from .evaluate import Finding, evaluate
from .ingest import Observations, read_observations, sample_data_path
from .network import Network, load_network
from .periods import Period, latest_complete, parse_period
from .products import Products, compute_products
from .qc import QCReport, run_qc
from .series import SeriesStore


@dataclass
class Run:
    """Everything one run produced.

    ``observations`` as read, ``evaluated`` without the values QC flagged as errors (what the
    findings were computed from).
    """

    network: Network
    catalogue: Catalogue
    observations: Observations
    qc: QCReport
    period: Period
    findings: list[Finding]
    products: Products
    bulletin: Bulletin
    evaluated: Observations | None = None


def uses_sample_data(paths) -> bool:
    """True when every input is the embedded synthetic sample."""
    if not paths:
        return True
    sample = sample_data_path().resolve()
    return all(Path(p).resolve() == sample or sample in Path(p).resolve().parents for p in paths)


def resolve_period(text: str, obs: Observations, network: Network) -> Period:
    """``latest`` -> the latest dekad fully covered by the data; else the parsed period."""
    if text == "latest":
        if obs.last_date is None:
            raise DataQualityError("the data hold no observation, so there is no latest period.",
                                   hint="pass data files with --data.")
        return latest_complete("dekad", obs.last_date)
    period = parse_period(text, network.seasons)
    if period.kind not in ("dekad", "month"):
        raise UsageError(f"'{text}' is a {period.kind} period; bulletins are issued for a dekad or a month.",
                         hint="pass a dekad such as 2026-11-d2 or a month such as 2026-11.")
    return period


def run(*, data=None, period: str = "latest", issued_at: datetime, catalogue_path=None,
        network_path=None, read_options: dict | None = None) -> Run:
    """Read, check, evaluate and assemble one bulletin.

    QC runs on the observations as read, with the issue date as ``as_of`` (values dated after
    it are errors). The findings are computed from a copy without the values flagged as
    errors, so their coverage counts good days only; warnings are listed and their values used.
    """
    network = load_network(network_path)
    catalogue = load_catalogue(catalogue_path, network)
    obs = read_observations(data or None, network, **(read_options or {}))
    qc = run_qc(obs, network, as_of=issued_at.date())
    good = qc.clean(obs)
    if good.last_date is None and obs.last_date is not None:
        raise DataQualityError("every observation was flagged as an error by the quality checks.",
                               hint="run 'bulletin check-data' on the same files to see the flags.")
    target = resolve_period(period, good, network)
    store = SeriesStore(good, catalogue.settings)
    findings = evaluate(catalogue, network, good, qc, target, store)
    products = compute_products(catalogue, network, findings, store, qc, target)
    bulletin = build_bulletin(catalogue=catalogue, network=network, findings=findings, products=products, qc=qc,
                              period=target, issued_at=issued_at, inputs=obs.inputs,
                              sample_data=uses_sample_data(data))
    return Run(network, catalogue, obs, qc, target, findings, products, bulletin, good)
