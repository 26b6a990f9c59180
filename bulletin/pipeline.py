"""Wires the stages: ingest -> qc -> evaluate -> products -> document. Each stage is callable on its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .catalogue import Catalogue, load_catalogue
from .document import Bulletin, build_bulletin
from .errors import DataQualityError, UsageError
from .evaluate import Finding, assess_period, evaluate
from .ingest import Observations, read_observations, sample_data_path
from .methods import NO_DATA
from .network import Network, load_network
from .outlook import Outlook, outlook
from .outlook.scores import SAMPLE_VERIFICATION, VerificationScores, load_verification, sample_verification_path
from .periods import Period, latest_complete, parse_period
from .products import CategoryHistory, Products, archive_norms, compute_products, outlook_fans, series_coverage
from .qc import QCReport, load_qc_config, run_qc
from .series import SeriesStore


@dataclass
class Run:
    """Everything one run produced.

    ``observations`` as read, ``evaluated`` without the values QC flagged as errors (what the
    findings were computed from); ``outlook`` the probabilistic outlook issued after the
    period (None for a monthly bulletin, or when it was not asked for); ``verification`` the
    scores of past outlooks read from a verification file
    (:class:`~bulletin.outlook.scores.VerificationScores`, compared with this run's inputs and
    catalogue: ``same_data``, ``same_catalogue``, ``matches``), or None.
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
    outlook: Outlook | None = None
    verification: VerificationScores | None = None


def uses_sample_data(paths) -> bool:
    """True when every input is the embedded synthetic sample."""
    if not paths:
        return True
    sample = sample_data_path().resolve()
    return all(Path(p).resolve() == sample or sample in Path(p).resolve().parents for p in paths)


MIN_SHARE_WITH_DATA = 0.5
"""A bulletin is issued when at least this share of its findings have data (``--allow-no-data`` overrides)."""

LOOKBACK_FOR_DATA = 36
"""How many periods ``latest`` and the refusal message look back for a period with enough data."""


def enough_data(with_data: int, total: int) -> bool:
    """Whether a period whose ``total`` findings include ``with_data`` with data may be issued.

    >>> enough_data(12, 23), enough_data(11, 23), enough_data(0, 0)
    (True, False, False)
    """
    return total > 0 and with_data >= MIN_SHARE_WITH_DATA * total


@dataclass
class DataCoverage:
    """Which periods have findings with data: the rule of ``latest`` and of the refusal, one and the same.

    A finding has data when its indicator's assessment of the period is not ``no_data``
    (:func:`~bulletin.evaluate.assess_period`: a value with enough coverage, and for a
    status, enough years of climatology).
    """

    catalogue: Catalogue
    network: Network
    store: SeriesStore
    qc: QCReport

    def due(self, period: Period) -> list:
        """The indicators evaluated in ``period`` (valid then, and in season)."""
        return [ind for ind in self.catalogue.indicators if ind.not_evaluated_reason(period, self.network.seasons) is None]

    def counts(self, period: Period) -> tuple[int, int]:
        """(findings with data, findings) of ``period``."""
        due = self.due(period)
        with_data = sum(assess_period(ind, period, self.store, self.qc, self.network).level != NO_DATA for ind in due)
        return with_data, len(due)

    def last_with_data(self, start: Period) -> Period | None:
        """The latest period at or before ``start`` (same kind) with enough findings with data."""
        period = start
        for _ in range(LOOKBACK_FOR_DATA):
            if enough_data(*self.counts(period)):
                return period
            period = period.previous()
        return None


def resolve_period(text: str, obs: Observations, network: Network, coverage: DataCoverage,
                   allow_no_data: bool = False) -> Period:
    """``latest`` -> the latest dekad with enough findings with data (else month); or the parsed period.

    With ``allow_no_data``, ``latest`` is the latest dekad fully covered by the data when none has enough.
    """
    if text == "latest":
        if obs.last_date is None:
            raise DataQualityError("the data hold no value, so there is no latest period"
                                   + (f" ({len(obs.frame)} rows, all empty)." if len(obs.frame) else "."),
                                   hint="pass data files with values with --data.")
        end = latest_complete("dekad", obs.last_date)
        found = coverage.last_with_data(end) or coverage.last_with_data(latest_complete("month", obs.last_date))
        if found is None and allow_no_data:
            return end
        if found is None:
            raise DataQualityError(
                f"no dekad or month of the {LOOKBACK_FOR_DATA} up to {end.label} has data for at least "
                f"{MIN_SHARE_WITH_DATA:.0%} of the indicators of the catalogue {coverage.catalogue.id} (the data "
                f"end on {obs.last_date:%Y-%m-%d}).",
                hint="check that the data files hold the stations and variables of the catalogue, with enough "
                     "years for its norms ('bulletin check-data' lists what was read), or name a period with --period.")
        return found
    period = parse_period(text, network.seasons)
    if period.kind not in ("dekad", "month"):
        raise UsageError(f"'{text}' is a {period.kind} period; bulletins are issued for a dekad or a month.",
                         hint="pass a dekad such as 2026-11-d2 or a month such as 2026-11.")
    return period


def refuse_empty(findings: list[Finding], period: Period, obs: Observations, coverage: DataCoverage) -> None:
    """Raise when too few findings of ``period`` have data: an empty bulletin must not look like a calm one."""
    if not findings:
        raise DataQualityError(
            f"{period.label}: no indicator of the catalogue {coverage.catalogue.id} applies in this period "
            "(each lies outside its validity or its season), so there is nothing to issue.",
            hint="check valid_from, valid_to and season of the indicators ('bulletin validate'), or issue another "
                 "period.")
    with_data = sum(f.level != NO_DATA for f in findings)
    if enough_data(with_data, len(findings)):
        return
    ended = "" if obs.last_date is None else f"; the data end on {obs.last_date:%Y-%m-%d}"
    start = period.previous()
    if obs.last_date is not None and start.end > obs.last_date:
        start = latest_complete(period.kind, obs.last_date)
    before = coverage.last_with_data(start)
    where = (f" The latest {period.kind} before it with data for at least {MIN_SHARE_WITH_DATA:.0%} of the "
             f"indicators is {before.label}." if before else "")
    first = f"issue a period with data (--period {before.label}), " if before else ""
    raise DataQualityError(
        f"{period.label}: {len(findings) - with_data} of {len(findings)} findings have no data{ended}; "
        f"the bulletin is not issued, so that a period without data is not read as a calm one.{where}",
        hint=f"{first}add the missing data with --data, or pass --allow-no-data to issue this period anyway (it "
             "then says on page one how many findings have no data).")


def default_verification(data) -> Path | None:
    """The verification file a bulletin shows when none is named: the embedded sample's, when no data are given and it exists."""
    if data:
        return None
    path = sample_verification_path()
    return path if path.is_file() else None


@dataclass
class Prepared:
    """What every period issued from the same inputs shares: read, checked and aggregated once.

    ``as_of`` is the issue time the quality checks were run with (values dated after it are
    errors); ``store`` holds the period series and climatologies of the values QC kept.
    """

    network: Network
    catalogue: Catalogue
    observations: Observations
    qc: QCReport
    evaluated: Observations
    store: SeriesStore
    coverage: DataCoverage
    verification: VerificationScores | None
    sample_data: bool
    as_of: datetime


def prepare(*, data=None, as_of: datetime, catalogue_path=None, network_path=None, read_options: dict | None = None,
            qc_path=None, verification_path=None, observations: Observations | None = None,
            checked: QCReport | None = None) -> Prepared:
    """Read, check and aggregate the inputs once, for one or many periods (:func:`issue`).

    QC runs on the observations as read, with ``as_of`` (the issue time, or the last issue
    time of a backfill) as the date after which values are errors. The findings are computed
    from a copy without the values flagged as errors, so their coverage counts good days only;
    warnings are listed and their values used.

    ``verification_path`` names a verification file (``bulletin verify --out``; default
    :func:`default_verification`): it is read first, so that a wrong file costs nothing, and
    ``verification`` says whether it was computed on the same data and catalogue.

    ``observations`` and ``checked``: the data already read from ``data`` and their QC report
    as of ``as_of`` (``check-data --strict``), not read and checked again.
    """
    network = load_network(network_path)
    catalogue = load_catalogue(catalogue_path, network)
    default = None if verification_path else default_verification(data)
    scores = (load_verification(verification_path) if verification_path else
              load_verification(default, "/".join(SAMPLE_VERIFICATION)) if default else None)
    obs = observations if observations is not None else read_observations(data or None, network,
                                                                           **(read_options or {}))
    if scores is not None:
        scores = scores.compared_with(obs.inputs, catalogue)
    qc = checked if checked is not None else run_qc(obs, network, as_of=as_of.date(),
                                                    config=load_qc_config(qc_path) if qc_path else None)
    good = qc.clean(obs)
    if good.last_date is None and obs.last_date is not None:
        raise DataQualityError("every observation was flagged as an error by the quality checks.",
                               hint="run 'bulletin check-data' on the same files to see the flags.")
    store = SeriesStore(good, catalogue.settings)
    coverage = DataCoverage(catalogue, network, store, qc)
    return Prepared(network, catalogue, obs, qc, good, store, coverage, scores, uses_sample_data(data), as_of)


def issue(prepared: Prepared, *, period: str = "latest", issued_at: datetime, allow_no_data: bool = False,
          with_outlook: bool = True, figures: bool = True) -> Run:
    """Evaluate and assemble the bulletin of one period from inputs :func:`prepare` read.

    A period in which fewer than :data:`MIN_SHARE_WITH_DATA` of the findings have data is
    refused (:func:`refuse_empty`) unless ``allow_no_data``. A dekad bulletin carries the
    outlook of the coming dekads (:func:`bulletin.outlook.outlook`), computed from the same
    series store as the findings; a monthly bulletin carries none, nor does a run with
    ``with_outlook`` False.

    ``figures`` False leaves out what only the pages show (:func:`data_products`: no
    hydrographs, reservoir states, category history or fan charts): the results JSON and CSV
    are the same, byte for byte, and the pages of such a bulletin have no figures.
    """
    p = prepared
    catalogue, network, store, good, qc = p.catalogue, p.network, p.store, p.evaluated, p.qc
    target = resolve_period(period, good, network, p.coverage, allow_no_data)
    if target.start > issued_at.date():
        raise UsageError(f"{target.label} begins on {target.start:%Y-%m-%d}, after the issue time "
                         f"{issued_at:%Y-%m-%d %H:%M%z}: a bulletin reports a period that has begun.",
                         hint="issue an earlier period, or give the issue time with --issued-at.")
    findings = evaluate(catalogue, network, good, qc, target, store)
    if not allow_no_data:
        refuse_empty(findings, target, good, p.coverage)
    products = (compute_products(catalogue, network, findings, store, qc, target, observed=p.observations) if figures
                else data_products(network, findings, store, qc, target, p.observations))
    ahead = outlook(catalogue, network, store, target) if with_outlook and target.kind == "dekad" else None
    fans = outlook_fans(catalogue, network, store, ahead, target) if figures else ()
    bulletin = build_bulletin(catalogue=catalogue, network=network, findings=findings, products=products, qc=qc,
                              period=target, issued_at=issued_at, inputs=p.observations.inputs,
                              sample_data=p.sample_data, outlook=ahead, fans=fans, verification=p.verification)
    return Run(network, catalogue, p.observations, qc, target, findings, products, bulletin, good, ahead,
               p.verification)


def data_products(network: Network, findings: list[Finding], store: SeriesStore, qc: QCReport, period: Period,
                  observed: Observations) -> Products:
    """The products the results JSON and CSV need (coverage and archive norms), without the figures' series."""
    return Products((), (), CategoryHistory((period,), ()), series_coverage(network, findings, store, qc, period),
                    archive_norms(findings, store, period, observed))


def run(*, data=None, period: str = "latest", issued_at: datetime, catalogue_path=None,
        network_path=None, read_options: dict | None = None, qc_path=None, allow_no_data: bool = False,
        with_outlook: bool = True, verification_path=None, figures: bool = True) -> Run:
    """Read, check, evaluate and assemble one bulletin: :func:`prepare` as of ``issued_at``, then :func:`issue`.

    ``figures`` False: for the results JSON and CSV alone (see :func:`issue`).
    """
    prepared = prepare(data=data, as_of=issued_at, catalogue_path=catalogue_path, network_path=network_path,
                       read_options=read_options, qc_path=qc_path, verification_path=verification_path)
    return issue(prepared, period=period, issued_at=issued_at, allow_no_data=allow_no_data, with_outlook=with_outlook,
                 figures=figures)
