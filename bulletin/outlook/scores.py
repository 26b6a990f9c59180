"""The verification file: the scores of ``bulletin verify --out`` with their provenance, and the scores a bulletin carries.

``bulletin verify --from P --to P --out FILE.json`` writes :func:`verification_document`: what the
scores are of (the command that computes them again, the software version, the catalogue, the
network and every input file with its SHA-256, as the results JSON names its inputs), then the
scores (:meth:`bulletin.outlook.verify.Verification.as_json`). The layout is checked by
``bulletin/schema/verification.schema.json`` (``format`` ``bulletin-verification``,
``format_version`` 1)::

    {"format": "bulletin-verification", "format_version": 1,
     "command": "bulletin verify --from 2023-10-d1 --to 2026-09-d3",
     "software_version": "0.1.0",
     "catalogue": {"id", "version", "agreed", "status", "path", "sha256"},
     "network": {"id", "path", "sha256"},
     "inputs": [{"path", "sha256"}],
     "first": "2023-10-d1", "last": "2026-09-d3", "issues": 108, "years": [2023, 2024, 2025],
     "event": "warning or higher", "decision_probability": 0.5, "allowable_error_sigma": 0.674,
     "leads": [{"label": "d+1", "lead": 1, "n", "base_rate", "brier", "brier_climatology", "climatology",
                "bss", "hits", "false_alarms", "misses", "correct_negatives", "hit_rate",
                "false_alarm_ratio", "reliability": [{"lower", "upper", "count", "mean_forecast",
                "observed_frequency"}], "flow_n", "flow_within", "flow_within_share", "s_over_sigma"}],
     "skipped": 0,
     "reissues": [...], "pairs": [...], "flow_pairs": [...]}   # not with --scores-only

``bulletin generate --verification FILE`` reads it back (:func:`load_verification`) into the
:class:`VerificationScores` the run carries (``Run.verification``), compared with the bulletin's
own inputs and catalogue (:meth:`VerificationScores.compared_with`). The embedded sample's file
is :func:`sample_verification_path`, written by ``make verification``.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from functools import cache
from pathlib import Path

from .. import __version__, files
from ..errors import ConfigError, UsageError
from ..ingest import sha256_of
from ..periods import parse_period
from ..resources import resource_path
from .esp import dekad_index
from .verify import LeadScores, ReliabilityBin, Verification

FORMAT = "bulletin-verification"
FORMAT_VERSION = 1
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "verification.schema.json"
DETAIL_KEYS = ("reissues", "pairs", "flow_pairs")
"""The keys ``--scores-only`` leaves out: every outlook re-issued and every pair."""
SAMPLE_VERIFICATION = ("data", "verification", "sample.json")
"""Where the embedded sample's verification file is, under the packaged data (``make verification`` writes it)."""
HINT = ("write the file with 'bulletin verify --from P --to P --out FILE' (the sample's: 'make verification') and "
        "pass it with --verification, or leave --verification out.")


def sample_verification_path() -> Path:
    """The verification file of the embedded sample (it may not exist)."""
    return resource_path(*SAMPLE_VERIFICATION)


def portable_path(path: str | Path) -> str:
    """A path as another machine can read it: a relative path as it is, an absolute one relative to the working folder when under it, else the file name.

    >>> portable_path("data/x.csv"), portable_path("/nowhere/else/x.csv")
    ('data/x.csv', 'x.csv')
    """
    p = Path(path)
    if not p.is_absolute():
        return p.as_posix()
    try:
        return p.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return p.name


def command_line(first: str, last: str, options: Iterable[tuple[str, str | None]] = ()) -> str:
    """The ``bulletin verify`` command that computes the scores, with the options that change them (shell-quoted).

    ``options`` are (option, value) pairs; a value None is a flag.

    >>> command_line("2023-10-d1", "2026-09-d3", [("--data", "my data/q.csv")])
    "bulletin verify --from 2023-10-d1 --to 2026-09-d3 --data 'my data/q.csv'"
    """
    words = ["bulletin", "verify", "--from", first, "--to", last]
    for option, value in options:
        words += [option] if value is None else [option, value]
    return " ".join(shlex.quote(w) for w in words)


def _file_digest(path: str) -> str | None:
    return sha256_of(Path(path)) if path and Path(path).is_file() else None


def catalogue_ref(catalogue) -> dict:
    """The catalogue as a verification file names it: id, version, agreed, status, file name and SHA-256."""
    return catalogue.as_json() | {"status": catalogue.status, "path": Path(catalogue.path).name,
                                  "sha256": _file_digest(catalogue.path)}


def verification_document(result: Verification, *, catalogue, network, inputs, command: str,
                          scores_only: bool = False) -> dict:
    """The verification file's content: provenance, then the scores (module docstring).

    Parameters
    ----------
    result : Verification
        The scores (:func:`~bulletin.outlook.verify.verify_outlooks`).
    catalogue, network
        The catalogue and network the outlooks were issued with.
    inputs : iterable of bulletin.ingest.InputFile
        The data files read, named relative to their data root (as the results JSON names them).
    command : str
        The command that computes the scores again (:func:`command_line`).
    scores_only : bool
        Leave out every outlook re-issued and every pair (:data:`DETAIL_KEYS`).
    """
    head = {"format": FORMAT, "format_version": FORMAT_VERSION, "command": command, "software_version": __version__,
            "catalogue": catalogue_ref(catalogue),
            "network": {"id": network.id, "path": Path(network.path).name, "sha256": _file_digest(network.path)},
            "inputs": [{"path": i.path, "sha256": i.sha256} for i in inputs]}
    body = result.as_json()
    if scores_only:
        body = {k: v for k, v in body.items() if k not in DETAIL_KEYS}
    return head | body


@dataclass(frozen=True)
class VerificationScores:
    """The scores of past outlooks a bulletin carries (``Run.verification``), read from a verification file.

    Attributes
    ----------
    path : str
        The file read: as given (an absolute path under the working folder relative to it); the
        sample's ``data/verification/sample.json``.
    first, last : str
        The first and last issue dekads verified (``2023-10-d1``).
    command : str
        The command that computes the same scores (``bulletin verify --from 2023-10-d1 --to 2026-09-d3``).
    issues : int
        How many dekads an outlook was re-issued after.
    years : tuple of int
        The hydrological years of the issue dekads (each left out of its own traces).
    event : str
        The event scored (``warning or higher``).
    decision_probability : float
        The event is forecast when its probability is at least this (hit rate, false-alarm ratio).
    allowable_error_sigma : float
        The allowable error of a flow forecast, in sigma of the dekad-to-dekad change (0.674).
    leads : tuple of LeadScores
        Per lead (``d+1``, ``d+2``, ``d+3``): n, base rate, Brier, Brier of climatology, BSS, hits,
        misses, false alarms, hit rate, FAR, the reliability table, and for flows n, the share
        within 0.674 sigma and S/sigma (:class:`~bulletin.outlook.verify.LeadScores`).
    software_version : str
        The version that wrote the file.
    catalogue_id, catalogue_version : str
        The catalogue of the verified outlooks.
    catalogue_sha256 : str or None
        The SHA-256 of its file.
    inputs : tuple of (str, str)
        The data files read: (path, SHA-256).
    same_data : bool or None
        Whether the verification read the same data files as the bulletin (the same set of
        SHA-256 digests); None until :meth:`compared_with`.
    same_catalogue : bool or None
        Whether its catalogue is the bulletin's: same id, version and file digest; None until compared.
    """

    path: str
    first: str
    last: str
    command: str
    issues: int
    years: tuple[int, ...]
    event: str
    decision_probability: float
    allowable_error_sigma: float
    leads: tuple[LeadScores, ...]
    software_version: str
    catalogue_id: str
    catalogue_version: str
    catalogue_sha256: str | None
    inputs: tuple[tuple[str, str], ...]
    same_data: bool | None = None
    same_catalogue: bool | None = None

    @property
    def matches(self) -> bool:
        """True when the scores were computed on the bulletin's own data and catalogue."""
        return bool(self.same_data and self.same_catalogue)

    def lead(self, label: str) -> LeadScores:
        """The scores of one lead (``d+1``); KeyError when the file has none."""
        for scores in self.leads:
            if scores.label == label:
                return scores
        raise KeyError(label)

    def compared_with(self, inputs, catalogue) -> VerificationScores:
        """These scores with ``same_data`` and ``same_catalogue`` set against a bulletin's inputs and catalogue.

        ``inputs`` are the bulletin's :class:`~bulletin.ingest.InputFile` (their SHA-256 digests
        are compared as a set: paths and order do not matter).
        """
        same_data = {sha for _, sha in self.inputs} == {i.sha256 for i in inputs}
        same_catalogue = (self.catalogue_id == catalogue.id and self.catalogue_version == catalogue.version
                          and self.catalogue_sha256 == _file_digest(catalogue.path))
        return replace(self, same_data=same_data, same_catalogue=same_catalogue)

    def as_json(self) -> dict:
        """The scores and where they come from, as JSON values (``matches`` included)."""
        return {"path": self.path, "first": self.first, "last": self.last, "command": self.command,
                "issues": self.issues, "years": list(self.years), "event": self.event,
                "decision_probability": self.decision_probability, "allowable_error_sigma": self.allowable_error_sigma,
                "software_version": self.software_version,
                "catalogue": {"id": self.catalogue_id, "version": self.catalogue_version},
                "same_data": self.same_data, "same_catalogue": self.same_catalogue, "matches": self.matches,
                "leads": [s.as_json() for s in self.leads]}


@cache
def schema() -> dict:
    """The JSON Schema of the verification file (``bulletin/schema/verification.schema.json``)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _key_path(parts) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def lead_scores_of(doc: dict) -> LeadScores:
    """A :class:`~bulletin.outlook.verify.LeadScores` from its JSON form (``LeadScores.as_json``)."""
    names = {f.name for f in fields(LeadScores)} - {"reliability"}
    bins = tuple(ReliabilityBin(**{f.name: b[f.name] for f in fields(ReliabilityBin)}) for b in doc["reliability"])
    return LeadScores(**{k: doc[k] for k in names}, reliability=bins)


def _no_constant(name: str):
    """``json.loads`` hook: NaN and Infinity are not JSON, and no score can be one."""
    raise ValueError(name)


def _checked_span(file: Path, doc: dict) -> None:
    """Raise ConfigError naming the key unless ``first`` and ``last`` are dekads, ``first`` not after ``last``."""
    periods = {}
    for key in ("first", "last"):
        try:
            periods[key] = parse_period(doc[key])
        except (UsageError, ValueError) as exc:
            raise ConfigError(f"{file}: {key}: '{doc[key]}' is not a dekad of the calendar.", hint=HINT) from exc
        if periods[key].kind != "dekad":
            raise ConfigError(f"{file}: {key}: '{doc[key]}' is a {periods[key].kind}, not a dekad.", hint=HINT)
    if dekad_index(periods["last"]) < dekad_index(periods["first"]):
        raise ConfigError(f"{file}: last ({doc['last']}) is before first ({doc['first']}).", hint=HINT)


def load_verification(path: str | Path, name: str | None = None) -> VerificationScores:
    """Read and check a verification file (``bulletin verify --out``) into :class:`VerificationScores`.

    ``name`` is how the scores name the file (default: :func:`portable_path` of ``path``).

    Raises
    ------
    ConfigError
        When the file cannot be read, is not JSON, or does not follow the schema: the message
        names the file and every key in error, and says how to write the file again.
    """
    import jsonschema_rs

    file = Path(path)
    try:  # a regular file of at most config_mib: never a device, never unbounded
        text = files.read_capped(file, "verification file", files.LIMITS.config_mib, "config_mib", ConfigError,
                                 HINT).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{file}: the verification file is not UTF-8 text.", hint=HINT) from exc
    try:
        doc = json.loads(text, parse_constant=_no_constant)
    except RecursionError as exc:
        raise ConfigError(f"{file}: the verification file is nested too deeply to be a verification file.",
                          hint=HINT) from exc
    except ValueError as exc:
        if not isinstance(exc, json.JSONDecodeError):
            raise ConfigError(f"{file}: the verification file holds {exc}, which is not a number a score can be.",
                              hint=HINT) from exc
        raise ConfigError(f"{file}: the verification file is not valid JSON (line {exc.lineno}, column {exc.colno}: "
                          f"{exc.msg}).", hint=HINT) from exc
    errors = sorted(jsonschema_rs.Draft202012Validator(schema()).iter_errors(doc),
                    key=lambda e: list(map(str, e.instance_path)))
    if errors:
        raise ConfigError(f"{file}: the verification file has {len(errors)} problem(s):",
                          details=[f"{file}: {_key_path(e.instance_path)}: {e.message}" for e in errors[:20]],
                          hint=HINT)
    _checked_span(file, doc)
    cat = doc["catalogue"]
    return VerificationScores(
        path=name or portable_path(path), first=doc["first"], last=doc["last"], command=doc["command"],
        issues=int(doc.get("issues", 0)), years=tuple(doc.get("years", ())), event=doc["event"],
        decision_probability=float(doc["decision_probability"]),
        allowable_error_sigma=float(doc["allowable_error_sigma"]),
        leads=tuple(lead_scores_of(s) for s in doc["leads"]), software_version=doc["software_version"],
        catalogue_id=cat["id"], catalogue_version=cat["version"], catalogue_sha256=cat["sha256"],
        inputs=tuple((i["path"], i["sha256"]) for i in doc["inputs"]))
