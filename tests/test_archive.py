"""The archive: numbering, revisions, immutability, "what changed", resume, and atomic commits under kill."""

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest
from click.testing import CliRunner

from bulletin.archive import ArchiveStore, Request, Schedule, backfill, periods_between, publish
from bulletin.cli import main
from bulletin.ingest import sample_data_path
from bulletin.periods import Period
from bulletin.pipeline import prepare

TZ = timezone(timedelta(hours=5))
JSON_ONLY = Request(("ru", "en"), ("json", "csv"))


def at(period: Period, hours=10):
    return datetime.combine(period.end + timedelta(days=1), datetime.min.time(), tzinfo=TZ) + timedelta(hours=hours)


def tree(root):
    """Every path under ``root`` (links followed through current) -> bytes, as a reader of the archive sees it."""
    cur = root / "current"
    out = {}
    for p in sorted(cur.resolve().rglob("*")):
        if p.is_file():
            out[p.relative_to(cur.resolve()).as_posix()] = p.read_bytes()
    return out


def check_archive(root):
    """Raise AssertionError unless ``root`` is a whole archive: manifest, every file it lists, index and feed."""
    manifest = json.loads((root / "archive.json").read_text(encoding="utf-8"))
    for issue in manifest["issues"]:
        for rev in issue["revisions"]:
            for f in rev["files"]:
                path = root / rev["folder"] / f["name"]
                assert path.is_file(), path
                if f["kind"] == "json":
                    json.loads(path.read_text(encoding="utf-8"))
    assert (root / "index.html").is_file()
    import xml.etree.ElementTree as ET

    ET.fromstring((root / "feed.atom").read_bytes())
    return manifest


@pytest.fixture(scope="module")
def prepared():
    last = Period.dekad(2026, 11, 2)
    return prepare(data=None, as_of=at(last))


def test_publish_numbers_per_year_and_compares_with_the_previous_issue(prepared, tmp_path):
    store = ArchiveStore(tmp_path / "arc")
    e1, _ = publish(prepared, store, "2026-10-d3", at(Period.dekad(2026, 10, 3)), JSON_ONLY)
    e2, one = publish(prepared, store, "2026-11-d1", at(Period.dekad(2026, 11, 1)), JSON_ONLY)
    assert (e1["label"], e2["label"]) == ("1/2026", "2/2026")
    manifest = check_archive(store.root)
    assert [i["period"] for i in manifest["issues"]] == ["2026-10-d3", "2026-11-d1"]
    folder = store.root / e2["revisions"][0]["folder"]
    doc = json.loads((folder / "syrdarya-2026-11-d1.json").read_text(encoding="utf-8"))
    prev = json.loads((store.root / e1["revisions"][0]["folder"] / "syrdarya-2026-10-d3.json").read_text())
    assert doc["bulletin"]["issue_number"] == "2/2026"
    assert doc["bulletin"]["revision"] == {"issue": "2/2026", "revision": 1, "reason": None, "supersedes": None}
    block = doc["changes_since_previous"]
    assert block["previous"] == {"issue": "1/2026", "period": "2026-10-d3",
                                 "issued_at": "2026-11-01T10:00:00+05:00", "revision": 1}
    # transitions computed independently from the two published JSON files
    before = {(f["indicator"], f["station"]): f["level"] for f in prev["findings"]}
    after = {(f["indicator"], f["station"]): f["level"] for f in doc["findings"]}
    expected = {k for k in before.keys() & after.keys() if before[k] != after[k]}
    assert {(c["indicator"], c["station"]) for c in block["transitions"]} == expected
    alerting = ("warning", "alert")
    new = {k for k in after if after[k] in alerting and before.get(k) not in alerting}
    ended = {k for k in before if before[k] in alerting and after.get(k) not in alerting}
    assert {(c["indicator"], c["station"]) for c in block["new_alerts"]} == new
    assert {(c["indicator"], c["station"]) for c in block["ended_alerts"]} == ended
    assert block["revised_data"] == [] and block["series_compared"] is True
    # the root links resolve into the generation in force
    assert (store.root / "current").is_symlink() and (store.root / "index.html").resolve().is_file()


def test_a_revision_needs_a_reason_keeps_the_old_files_and_marks_them_superseded(prepared, tmp_path):
    store = ArchiveStore(tmp_path / "arc")
    period = Period.dekad(2026, 11, 1)
    entry, _ = publish(prepared, store, period.label, at(period), JSON_ONLY)
    r1 = store.root / entry["revisions"][0]["folder"]
    before = {p.name: p.read_bytes() for p in r1.iterdir()}
    with pytest.raises(Exception, match="(?s)already in the archive.*--reason"):
        publish(prepared, store, period.label, at(period, 12), JSON_ONLY)
    entry, _ = publish(prepared, store, period.label, at(period, 12), JSON_ONLY, reason="Toktogul volume corrected")
    assert [r["revision"] for r in entry["revisions"]] == [1, 2]
    old, new = entry["revisions"]
    assert old["superseded_by"] == 2 and old["superseded_at"] == new["issued_at"] == "2026-11-11T12:00:00+05:00"
    assert new["superseded_by"] is None and new["reason"] == "Toktogul volume corrected"
    r1 = store.root / old["folder"]
    assert {p.name: p.read_bytes() for p in r1.iterdir()} == before  # immutable once issued
    doc = json.loads((store.root / new["folder"] / "syrdarya-2026-11-d1.json").read_text(encoding="utf-8"))
    assert doc["bulletin"]["revision"] == {"issue": "1/2026", "revision": 2, "reason": "Toktogul volume corrected",
                                           "supersedes": {"revision": 1, "issued_at": "2026-11-11T10:00:00+05:00"}}
    # a revision issued later does not move the schedule: the next issue is due when revision 1 said
    assert doc["bulletin"]["next_issue"] == {"period": "2026-11-d2", "issued_at": "2026-11-21T10:00:00+05:00"}
    with pytest.raises(Exception, match="must be issued after"):
        publish(prepared, store, period.label, at(period, 11), JSON_ONLY, reason="again")


def _shift_dekad(src_dir, dst_dir, station, variable, period: Period, factor):
    """Copy the sample to ``dst_dir`` with ``station``'s ``variable`` multiplied by ``factor`` in ``period``."""
    dst_dir.mkdir()
    for f in src_dir.glob("*.csv.gz"):
        frame = pd.read_csv(f)
        if f.name == f"{station}.csv.gz":
            dates = pd.to_datetime(frame["date"]).dt.date
            mask = (frame["variable"] == variable) & (dates >= period.start) & (dates <= period.end)
            frame.loc[mask, "value"] = frame.loc[mask, "value"] * factor
        with gzip.open(dst_dir / f.name, "wt", encoding="utf-8", newline="") as fh:
            frame.to_csv(fh, index=False, lineterminator="\n")
    return dst_dir


def test_data_revised_after_publication_are_listed_with_both_values(tmp_path):
    d1 = Period.dekad(2026, 11, 1)
    sample = sample_data_path()
    revised = _shift_dekad(sample, tmp_path / "revised", "naryn_uchkurgan", "discharge", d1, 1.1)
    store = ArchiveStore(tmp_path / "arc")
    publish(prepare(data=[sample], as_of=at(d1)), store, d1.label, at(d1), JSON_ONLY)
    _, one = publish(prepare(data=[revised], as_of=at(d1.shift(1))), store, "2026-11-d2", at(d1.shift(1)), JSON_ONLY)
    doc = json.loads(one.files["syrdarya-2026-11-d2.json"])
    rows = doc["changes_since_previous"]["revised_data"]
    # the dekad mean of the daily values, computed here from the two files
    daily = pd.read_csv(sample / "naryn_uchkurgan.csv.gz", parse_dates=["date"])
    daily = daily[(daily.variable == "discharge") & (daily.date >= "2026-11-01") & (daily.date <= "2026-11-10")]
    mean = daily["value"].mean()
    assert rows == [{"station": "naryn_uchkurgan", "variable": "discharge", "period": "2026-11-d1", "unit": "m3/s",
                     "before": pytest.approx(mean, rel=1e-5), "after": pytest.approx(mean * 1.1, rel=1e-5)}]


def test_backfill_resumes_and_equals_publishing_one_by_one(prepared, tmp_path):
    periods = periods_between("2026-10-d2", "2026-11-d1", prepared.network.seasons)
    assert [p.label for p in periods] == ["2026-10-d2", "2026-10-d3", "2026-11-d1"]
    schedule = Schedule()
    a = ArchiveStore(tmp_path / "a")
    done = backfill(prepared, a, periods[:2], schedule, JSON_ONLY)
    assert done == ["2026-10-d2", "2026-10-d3"]
    calls = []
    done = backfill(prepared, a, periods, schedule, JSON_ONLY, progress=lambda *args: calls.append(args))
    assert done == ["2026-11-d1"] and calls == [(1, 1, "2026-11-d1")]  # resumed: the first two were there
    b = ArchiveStore(tmp_path / "b")
    for p in periods:
        publish(prepared, b, p.label, schedule.issued_at(p), JSON_ONLY)
    ta, tb = tree(a.root), tree(b.root)
    assert ta.keys() == tb.keys()
    assert all(ta[k] == tb[k] for k in ta), [k for k in ta if ta[k] != tb[k]]


def test_publish_refuses_a_folder_that_is_not_an_archive(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    result = CliRunner().invoke(main, ["publish", "--archive", str(tmp_path), "--format", "json",
                                       "--issued-at", "2026-11-21T10:00:00+05:00"])
    assert result.exit_code == 1 and "not a bulletin archive" in result.stderr


def test_an_archive_whose_current_link_is_lost_is_refused_not_started_again(tmp_path):
    from bulletin.archive.store import ArchiveStore
    from bulletin.errors import ConfigError

    store = ArchiveStore(tmp_path / "arc")
    with store.locked():
        store.commit({"archive.json": b'{"n": 1}', "index.html": b"<p>1</p>", "feed.atom": b"<feed/>"})
    (tmp_path / "arc" / "current").unlink()
    with pytest.raises(ConfigError) as err:
        store.check()  # publishing would make issue 1 again over a hidden history
    assert "the archive has 1 generation(s) in generations/ but no 'current' link" in err.value.message
    assert "ln -s generations/000001 current" in err.value.hint
    (tmp_path / "new" / "generations" / ".tmp-000001").mkdir(parents=True)  # a first publish killed mid-commit
    ArchiveStore(tmp_path / "new").check()  # a new archive still: its leftovers are removed under the lock



def test_a_manifest_nested_too_deeply_is_named_not_an_internal_error(tmp_path):
    from bulletin.archive.store import ArchiveStore
    from bulletin.errors import ConfigError

    store = ArchiveStore(tmp_path / "arc")
    with store.locked():
        store.commit({"archive.json": b"[" * 100_000 + b"]" * 100_000})
    with pytest.raises(ConfigError, match=r"archive\.json: the archive's manifest cannot be read \(nested too deeply"):
        store.manifest()


@pytest.mark.parametrize("reason", ["fixed\x07", "fixed\nFAKE: revision 9"])
def test_a_reason_with_a_control_character_or_a_line_break_is_refused_before_anything_is_read(tmp_path, reason):
    result = CliRunner().invoke(main, ["publish", "--archive", str(tmp_path / "arc"), "--format", "json", "--reason",
                                       reason, "--issued-at", "2026-11-21T10:00:00+05:00"])
    assert result.exit_code == 2 and not (tmp_path / "arc").exists()
    assert "--reason holds the character U+00" in result.stderr and "a control, line-break or direction" in result.stderr


COMMIT_CHILD = r"""
import sys
from bulletin.archive.store import ArchiveStore
store = ArchiveStore(sys.argv[1])
n = int(sys.argv[2])
with store.locked():
    files = {f"issues/2026/{n:03d}/r1/file{i:03d}.bin": bytes([n % 256]) * 20000 for i in range(200)}
    files["archive.json"] = ('{"n": %d}' % n).encode()
    files["index.html"] = b"<p>%d</p>" % n
    files["feed.atom"] = b"<feed>%d</feed>" % n
    store.commit(files)
print("committed", flush=True)
"""


def visible(root):
    cur = root / "current"
    if not cur.is_symlink():
        return None
    return tree(root)


def test_killing_a_commit_at_any_moment_leaves_the_archive_as_before_or_complete(tmp_path):
    root = tmp_path / "arc"
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    subprocess.run([sys.executable, "-c", COMMIT_CHILD, str(root), "1"], check=True, env=env, capture_output=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", COMMIT_CHILD, str(root), "0"], check=True, env=env, capture_output=True)
    full = time.perf_counter() - start
    import random

    rng = random.Random(7)
    outcomes = {"before": 0, "after": 0}
    for n in range(2, 62):
        before = visible(root)
        child = subprocess.Popen([sys.executable, "-c", COMMIT_CHILD, str(root), str(n)], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.0, full * 1.2))
        child.send_signal(signal.SIGKILL)
        child.wait()
        now = visible(root)
        expected_after = {**before, **{f"issues/2026/{n:03d}/r1/file{i:03d}.bin": bytes([n % 256]) * 20000
                                       for i in range(200)},
                          "archive.json": f'{{"n": {n}}}'.encode(), "index.html": b"<p>%d</p>" % n,
                          "feed.atom": b"<feed>%d</feed>" % n}
        assert now == before or now == expected_after, f"kill {n}: the archive is neither as before nor complete"
        outcomes["before" if now == before else "after"] += 1
        assert (root / "index.html").read_bytes() == now["index.html"]
    assert outcomes["before"] >= 5 and outcomes["after"] >= 5, outcomes  # kills landed on both sides of the commit
    subprocess.run([sys.executable, "-c", COMMIT_CHILD, str(root), "99"], check=True, env=env, capture_output=True)
    assert not [p for p in (root / "generations").iterdir() if p.name.startswith(".tmp")]  # leftovers removed
    assert len([p for p in (root / "generations").iterdir()]) == 2


def test_revised_values_by_hand():
    from bulletin.document.since import revised_values
    from bulletin.network import load_network

    network = load_network()

    def frame(rows):
        return pd.DataFrame(rows, columns=["station", "variable", "period", "start", "end", "value", "unit"])

    before = frame([("toktogul", "volume", "2026-11-d1", "2026-11-01", "2026-11-10", 9634.0, "Mm3"),
                    ("toktogul", "volume", "2026-11-d2", "2026-11-11", "2026-11-20", 9593.0, "Mm3"),
                    ("toktogul", "inflow", "2026-11-d1", "2026-11-01", "2026-11-10", 119.188, "m3/s"),
                    ("toktogul", "inflow", "2026-11-d2", "2026-11-11", "2026-11-20", 100.0, "m3/s")])
    after = frame([("toktogul", "volume", "2026-11-d1", "2026-11-01", "2026-11-10", 9634.0, "Mm3"),
                   ("toktogul", "volume", "2026-11-d2", "2026-11-11", "2026-11-20", 9600.0, "Mm3"),  # corrected
                   ("toktogul", "volume", "2026-11-d3", "2026-11-21", "2026-11-30", 9500.0, "Mm3"),  # new: not a revision
                   ("toktogul", "inflow", "2026-11-d1", "2026-11-01", "2026-11-10", 119.18749, "m3/s")])  # same to 6 digits
    got = [r.as_json() for r in revised_values(before, after, network)]
    assert got == [
        {"station": "toktogul", "variable": "inflow", "period": "2026-11-d2", "unit": "m3/s", "before": 100.0,
         "after": None},  # the value is gone from the data
        {"station": "toktogul", "variable": "volume", "period": "2026-11-d2", "unit": "Mm3", "before": 9593.0,
         "after": 9600.0}]


def test_the_changes_section_shows_what_the_json_says(tmp_path):
    from bs4 import BeautifulSoup

    from bulletin.render.html import render_html

    d1 = Period.dekad(2026, 11, 1)
    revised = _shift_dekad(sample_data_path(), tmp_path / "revised", "toktogul", "volume", d1, 0.9)
    store = ArchiveStore(tmp_path / "arc")
    publish(prepare(data=None, as_of=at(d1)), store, d1.label, at(d1), JSON_ONLY)
    _, one = publish(prepare(data=[revised], as_of=at(d1.shift(1))), store, "2026-11-d2", at(d1.shift(1)), JSON_ONLY)
    block = json.loads(one.files["syrdarya-2026-11-d2.json"])["changes_since_previous"]
    page = BeautifulSoup(render_html(one.bulletin, "en"), "html.parser")
    section = page.select_one("section#changes")
    assert "Compared with issue 1/2026" in section.select_one(".compared-with").get_text()
    rows = section.select("table.revised-data tbody tr")
    assert [(r["data-station"], r["data-variable"], r["data-period"]) for r in rows] == [
        (v["station"], v["variable"], v["period"]) for v in block["revised_data"]][:30]
    assert ("toktogul", "volume", "2026-11-d1") in {(v["station"], v["variable"], v["period"])
                                                   for v in block["revised_data"]}
    shown = {(r["data-indicator"], r["data-station"]) for r in section.select("table.transitions tbody tr")}
    assert shown == {(c["indicator"], c["station"]) for c in block["transitions"]}
    assert page.select_one("a[href='#changes']") is not None


def test_backfill_and_revision_through_the_command_line_give_valid_cap_and_cf_files(tmp_path):
    """The done-when of publishing, on 4 dekads: an index, a feed, CAP files valid against the OASIS XSD,
    NetCDF passing the CF checker, Update/Cancel messages that reference the previous issue's."""
    import xml.etree.ElementTree as ET

    from tests.test_cap import validate_cap
    from tests.test_data_out import cf_check

    arc = tmp_path / "arc"
    runner = CliRunner()
    result = runner.invoke(main, ["backfill", "--from", "2026-10-d2", "--to", "2026-11-d2", "--archive", str(arc),
                                  "--format", "json,csv,netcdf", "--workers", "2"])
    assert result.exit_code == 0, result.output + result.stderr
    assert "Issued 4 periods (2026-10-d2 to 2026-11-d2)" in result.output
    result = runner.invoke(main, ["publish", "--archive", str(arc), "--period", "2026-11-d1", "--format",
                                  "json,csv,netcdf", "--issued-at", "2026-11-12T09:00:00+05:00", "--reason",
                                  "inflow to Toktogul corrected"])
    assert result.exit_code == 0, result.output + result.stderr
    assert "issue 3/2026 (2026-11-d1), revision 2" in result.output
    manifest = check_archive(arc)
    assert [i["label"] for i in manifest["issues"]] == ["1/2026", "2/2026", "3/2026", "4/2026"]
    caps = [(rev, f["name"]) for i in manifest["issues"] for rev in i["revisions"] for f in rev["files"]
            if f["kind"] == "cap"]
    assert caps, "the sample has findings at warning or above"
    ns = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
    identifiers = {}
    for rev, name in caps:
        xml = (arc / rev["folder"] / name).read_bytes()
        assert validate_cap(xml) == [], name
        doc = ET.fromstring(xml)
        identifiers[doc.findtext("cap:identifier", namespaces=ns)] = doc.findtext("cap:sent", namespaces=ns)
        assert doc.findtext("cap:sent", namespaces=ns).endswith("+05:00")
        assert [i.findtext("cap:language", namespaces=ns) for i in doc.findall("cap:info", ns)] == ["ru", "en"]
    for rev, name in caps:  # every reference names a message of the archive, with its sender and sent time
        doc = ET.fromstring((arc / rev["folder"] / name).read_bytes())
        if doc.findtext("cap:msgType", namespaces=ns) in ("Update", "Cancel"):
            for ref in doc.findtext("cap:references", namespaces=ns).split():
                _, identifier, sent = ref.split(",")
                assert identifiers[identifier] == sent
    r2 = manifest["issues"][2]["revisions"][1]
    assert {a["msg_type"] for a in r2["alerts"]} <= {"Update", "Cancel"}  # a revision updates the alerts of r1
    nc = next(f["name"] for f in r2["files"] if f["kind"] == "netcdf")
    counts, messages = cf_check(arc / r2["folder"] / nc)
    assert counts["FATAL"] == counts["ERROR"] == counts["WARN"] == 0, messages
    feed = ET.fromstring((arc / "feed.atom").read_bytes())
    assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == 5  # one per revision
    assert (arc / "latest" / "syrdarya-2026-11-d2.json").is_file()


def test_a_backfill_past_the_data_issues_the_periods_before_and_says_where_it_stopped(prepared, tmp_path):
    from bulletin.errors import DataQualityError

    store = ArchiveStore(tmp_path / "arc")
    periods = periods_between("2026-11-d1", "2026-12-d1", prepared.network.seasons)
    with pytest.raises(DataQualityError, match=r"2026-11-d3: 23 of 23 findings have no data.*stopped there: the 2 "
                                               r"period\(s\) before it \(2026-11-d1 to 2026-11-d2\) were issued"):
        backfill(prepared, store, periods, Schedule(), JSON_ONLY, workers=2)
    assert [i["period"] for i in check_archive(store.root)["issues"]] == ["2026-11-d1", "2026-11-d2"]
    result = CliRunner().invoke(main, ["publish", "--archive", str(store.root), "--format", "json", "--base-url",
                                       "javascript:alert(1)"])
    assert result.exit_code == 2 and "--base-url 'javascript:alert(1)' is not a web address" in result.stderr
