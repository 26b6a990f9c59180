"""The archive's index pages and Atom feed, rendered from a hand-made manifest."""

import copy
import json
import posixpath
import re
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from bulletin.errors import RenderError
from bulletin.render.feed import atom_feed
from bulletin.render.site import index_pages

EVIL = '<script>alert(1)</script> "&'
ATOM = "{http://www.w3.org/2005/Atom}"
LEVELS = ("alert", "warning", "watch", "normal", "no_data")
COUNTRIES = (("KZ", "Kazakhstan", "Казахстан"), ("KG", "Kyrgyzstan", "Кыргызстан"), ("TJ", "Tajikistan", "Таджикистан"),
             ("UZ", "Uzbekistan", "Узбекистан"), ("XX", "Nowhere", "Нигде"))


def _revision(period, number, revision, issued, *, reason=None, superseded=None, levels=LEVELS):
    bid = f"syrdarya-{period}"
    folder = f"issues/{period[:4]}/{number:03d}-{period}/r{revision}"
    files = [{"name": f"{bid}.{lang}.{kind}", "kind": kind, "lang": lang}
             for lang in ("ru", "en") for kind in ("html", "pdf")]
    files += [{"name": f"{bid}.json", "kind": "json", "lang": None},
              {"name": f"{bid}.findings.csv", "kind": "csv", "lang": None},
              {"name": f"{bid}.series.nc", "kind": "netcdf", "lang": None},
              {"name": f"{bid}.toktogul_volume.toktogul.cap.xml", "kind": "cap", "lang": None}]
    return {
        "revision": revision, "issued_at": issued, "reason": reason,
        "superseded_by": superseded[0] if superseded else None, "superseded_at": superseded[1] if superseded else None,
        "folder": folder, "bulletin_id": bid, "files": files,
        "countries": [{"code": code, "names": {"en": en, "ru": ru}, "level": level}
                      for (code, en, ru), level in zip(COUNTRIES, levels, strict=True)],
        "counts": {"alert": 1, "warning": 2, "watch": 3, "normal": 10, "no_data": 1},
        "alerts": [{"key": "toktogul_volume/toktogul", "identifier": "x", "msg_type": "Alert", "level": "alert",
                    "file": f"{bid}.toktogul_volume.toktogul.cap.xml", "sent": issued}],
    }


def make_manifest():
    return {
        "archive_version": 1,
        "network": {"id": "syrdarya", "names": {"en": f"Syr Darya {EVIL}", "ru": f"Сырдарья {EVIL}"}},
        "languages": ["en", "ru"],
        "sample_data": True,
        "base_url": None,
        "issues": [
            {"number": 4, "year": 2026, "label": "4/2026", "period": "2026-02-d1", "period_start": "2026-02-01",
             "period_end": "2026-02-10", "revisions": [_revision("2026-02-d1", 4, 1, "2026-02-11T06:00:00+05:00")]},
            {"number": 5, "year": 2026, "label": "5/2026", "period": "2026-02-d2", "period_start": "2026-02-11",
             "period_end": "2026-02-20", "revisions": [
                 _revision("2026-02-d2", 5, 1, "2026-02-21T06:00:00+05:00",
                           superseded=(2, "2026-02-23T10:00:00+05:00")),
                 _revision("2026-02-d2", 5, 2, "2026-02-23T10:00:00+05:00", reason=f"Corrected gauge {EVIL}",
                           levels=("warning", "alert", "watch", "normal", "no_data")),
             ]},
        ],
    }


def all_files(manifest):
    """Every path the manifest lists, relative to the archive folder."""
    out = set()
    issues = manifest["issues"]
    for issue in issues:
        for rev in issue["revisions"]:
            out |= {f"{rev['folder']}/{f['name']}" for f in rev["files"]}
    current = next(r for r in issues[-1]["revisions"] if r["superseded_by"] is None)
    out |= {f"latest/{f['name']}" for f in current["files"]}
    return out | {"feed.atom", "archive.json", "archive.css", "index.html", "lang/index.ru.html"}


@pytest.fixture(scope="module")
def pages():
    return index_pages(make_manifest())


@pytest.fixture(scope="module")
def soup(pages):
    return BeautifulSoup(pages["index.html"].decode("utf-8"), "html.parser")


def test_pages_and_stylesheet(pages):
    assert sorted(pages) == ["archive.css", "index.html", "lang/index.ru.html"]
    assert pages["index.html"].startswith(b"<!DOCTYPE html>")
    css = pages["archive.css"].decode()
    assert "--level-alert: #8e1b7e" in css and "url(" not in css and "@import" not in css


def test_every_issue_and_revision_is_listed_newest_first(soup):
    issues = soup.select("ol.issues > li.issue")
    assert [li["data-period"] for li in issues] == ["2026-02-d2", "2026-02-d1"]
    assert [s["data-revision"] for s in issues[0].select("section.revision")] == ["2", "1"]
    assert [s["data-revision"] for s in issues[1].select("section.revision")] == ["1"]
    head = issues[0].h3.get_text(" ", strip=True)
    assert "5/2026" in head and "2nd dekad of February 2026" in head
    assert "February 21, 2026, 06:00 UTC+05:00" in issues[0].select_one("section[data-revision='1'] .issued").get_text()
    assert issues[0].select_one("section[data-revision='2'] time")["datetime"] == "2026-02-23T10:00:00+05:00"


def test_superseded_revision_is_marked_with_the_reason_of_the_newer_one(soup):
    issue = soup.select_one("li.issue[data-period='2026-02-d2']")
    old, new = issue.select_one("section[data-revision='1']"), issue.select_one("section[data-revision='2']")
    assert "superseded" in old["class"] and "current" in new["class"]
    assert old.select_one(".superseded-mark").get_text(strip=True) == \
        "Superseded by revision 2 on February 23, 2026, 10:00 UTC+05:00."
    assert old.select_one(".reason").get_text() == f"Revision 2: Corrected gauge {EVIL}"
    assert new.select_one(".reason").get_text() == f"Revision 2: Corrected gauge {EVIL}"
    assert not new.select(".superseded-mark")
    assert old.select("a.file") and len(old.select("a.file")) == len(new.select("a.file")) == 8


def test_chips_carry_country_and_level_word(soup):
    chips = soup.select("li.issue[data-period='2026-02-d1'] li.chip")
    assert [(c["data-country"], c["data-level"]) for c in chips] == [
        ("KZ", "alert"), ("KG", "warning"), ("TJ", "watch"), ("UZ", "normal"), ("XX", "no_data")]
    words = [(c.select_one(".chip-country").get_text(), c.select_one(".level").get_text(strip=True)) for c in chips]
    assert words == [("Kazakhstan", "alert"), ("Kyrgyzstan", "warning"), ("Tajikistan", "watch"),
                     ("Uzbekistan", "normal"), ("Nowhere", "no data")]
    assert all("chip-" + c["data-level"] in c["class"] for c in chips)
    counts = soup.select_one("li.issue[data-period='2026-02-d1'] .counts").get_text(" ", strip=True)
    assert "alert: 1" in counts and "normal: 10" in counts and "no data: 1" in counts


def test_links_point_only_to_listed_files(pages):
    manifest = make_manifest()
    listed = all_files(manifest)
    for name, folder in (("index.html", ""), ("lang/index.ru.html", "lang/")):
        page = BeautifulSoup(pages[name].decode(), "html.parser")
        hrefs = [a["href"] for a in page.select("[href]")]
        assert hrefs
        for href in hrefs:
            assert not urlsplit(href).scheme and not href.startswith("/")
            resolved = posixpath.normpath(folder + unquote(urlsplit(href).path))
            assert resolved in listed, (name, href)
        assert not page.select("script, img, iframe, object, embed, [src], [style]")
    page = BeautifulSoup(pages["index.html"].decode(), "html.parser")
    old = page.select_one("li.issue[data-period='2026-02-d2'] section[data-revision='1']")
    assert {a["href"] for a in old.select("a.file")} >= {
        "issues/2026/005-2026-02-d2/r1/syrdarya-2026-02-d2.en.html",
        "issues/2026/005-2026-02-d2/r1/syrdarya-2026-02-d2.toktogul_volume.toktogul.cap.xml"}
    latest = {a["href"] for a in page.select(".latest a.file")}
    assert "latest/syrdarya-2026-02-d2.ru.pdf" in latest and len(latest) == 8
    ru = BeautifulSoup(pages["lang/index.ru.html"].decode(), "html.parser")
    assert ru.html["lang"] == "ru"
    assert ru.select_one("link[rel=stylesheet]")["href"] == "../archive.css"
    assert ru.select_one(".languages a[hreflang=en]")["href"] == "../index.html"
    assert page.select_one(".languages a[hreflang=ru]")["href"] == "lang/index.ru.html"


def test_file_links_are_grouped_by_language_and_format(soup):
    rev = soup.select_one("li.issue[data-period='2026-02-d1'] section.revision")
    groups = [(p["data-lang"], [a.get_text() for a in p.select("a")]) for p in rev.select(".files-lang")]
    assert groups == [("en", ["HTML", "PDF"]), ("ru", ["HTML", "PDF"])]
    data = [a.get_text(" ", strip=True) for a in rev.select(".files-data a")]
    assert data == ["JSON", "CSV · findings", "NetCDF · series", "CAP · toktogul_volume/toktogul (alert)"]



def test_file_links_are_in_the_language_of_the_page(pages):
    ru = BeautifulSoup(pages["lang/index.ru.html"].decode(), "html.parser")
    rev = ru.select_one("li.issue[data-period='2026-02-d1'] section.revision")
    data = [a.get_text(" ", strip=True) for a in rev.select(".files-data a")]
    assert data == ["JSON", "CSV · оценки индикаторов", "NetCDF · ряды", "CAP · toktogul_volume/toktogul (тревога)"]


def test_hostile_text_is_escaped(pages, soup):
    html = pages["index.html"].decode()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not soup.select("script")
    assert EVIL in soup.title.get_text()
    assert soup.select_one("link[rel=alternate]")["title"] == soup.title.get_text()


def test_sample_notice_on_every_page(pages):
    for name, words in (("index.html", "synthetic sample data"), ("lang/index.ru.html", "синтетические данные")):
        page = BeautifulSoup(pages[name].decode(), "html.parser")
        assert words in page.select_one(".notice.sample-data").get_text().lower()
    manifest = make_manifest()
    manifest["sample_data"] = False
    assert not BeautifulSoup(index_pages(manifest)["index.html"], "html.parser").select(".sample-data")


@pytest.mark.parametrize("bad", ["../etc/passwd", "/etc/passwd", "javascript:alert(1)", "a\\b.html",
                                 "x/../../y", "JavaScript:alert(1)", "", "a\nb"])
@pytest.mark.parametrize("where", ["name", "folder"])
def test_hostile_file_names_are_refused(bad, where):
    manifest = make_manifest()
    rev = manifest["issues"][1]["revisions"][0]
    if where == "name":
        rev["files"][0]["name"] = bad
    else:
        rev["folder"] = bad
    with pytest.raises(RenderError, match=re.escape("issue 5/2026 (2026-02-d2), revision 1")):
        index_pages(manifest)
    with pytest.raises(RenderError, match="5/2026"):
        atom_feed(manifest, base_url=None)


def test_malformed_manifests_are_refused():
    for change in (lambda m: m.update(archive_version=2),
                   lambda m: m["issues"][0]["revisions"][0].update(issued_at="2026-02-11T06:00:00"),
                   lambda m: m["issues"][0]["revisions"][0]["countries"][0].update(level="red"),
                   lambda m: m["issues"][1]["revisions"][0].update(superseded_by=None, superseded_at=None),
                   lambda m: m["issues"][0].update(period="2026-13-d1"),
                   lambda m: m["issues"][0]["revisions"][0].pop("files"),
                   lambda m: m["network"].update(id="syr darya")):
        manifest = make_manifest()
        change(manifest)
        with pytest.raises(RenderError):
            index_pages(manifest)



def test_a_publish_checks_the_manifest_as_the_index_reads_it(network):
    from bulletin.archive.manifest import Manifest
    from bulletin.errors import ConfigError

    Manifest(make_manifest()).check("archive.json", network, network.seasons)  # a good one passes
    manifest = make_manifest()
    manifest["issues"][0]["number"] = "one"  # next_number would add it to an int: an internal error
    with pytest.raises(ConfigError, match=r"archive\.json: archive manifest: issue 4/2026 \(2026-02-d1\): missing or "
                                          r"malformed entry \(ValueError"):
        Manifest(manifest).check("archive.json", network, network.seasons)
    manifest = make_manifest()
    del manifest["network"]  # read before the check: a KeyError, an internal error
    with pytest.raises(ConfigError, match=r"archive\.json: archive manifest: network: missing or malformed entry"):
        Manifest(manifest).check("archive.json", network, network.seasons)


def test_a_network_id_with_an_underscore_is_published_and_its_tags_are_dns_names():
    manifest = make_manifest()
    manifest["network"]["id"] = "syr_darya"  # a valid network id ('bulletin init --id my_basin')
    assert b"<id>tag:syr-darya.bulletin,2026:archive</id>" in atom_feed(manifest, base_url=None)
    assert "index.html" in index_pages(manifest)


def test_pages_are_deterministic_and_a_template_dir_overrides(tmp_path):
    assert index_pages(make_manifest()) == index_pages(copy.deepcopy(make_manifest()))
    (tmp_path / "archive.css").write_text("body { color: black; }\n", encoding="utf-8")
    assert index_pages(make_manifest(), template_dir=tmp_path)["archive.css"].endswith(b"body { color: black; }\n")


# ---- the Atom feed ------------------------------------------------------------------------------

def _feed(base_url=None):
    return ET.fromstring(atom_feed(make_manifest(), base_url=base_url))


def test_feed_entries_ids_and_times():
    feed = _feed()
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}id") == "tag:syrdarya.bulletin,2026:archive"
    assert feed.findtext(f"{ATOM}updated") == "2026-02-23T10:00:00+05:00"
    assert feed.findtext(f"{ATOM}title") == f"Syr Darya {EVIL}: hydrological early-warning bulletins"
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == f"Syr Darya {EVIL}"
    assert feed.findtext(f"{ATOM}generator") == "syrdarya-bulletin"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [
        "tag:syrdarya.bulletin,2026:2026-02-d2/r2", "tag:syrdarya.bulletin,2026:2026-02-d2/r1",
        "tag:syrdarya.bulletin,2026:2026-02-d1/r1"]
    assert [e.findtext(f"{ATOM}updated") for e in entries] == [
        "2026-02-23T10:00:00+05:00", "2026-02-21T06:00:00+05:00", "2026-02-11T06:00:00+05:00"]
    assert entries[0].findtext(f"{ATOM}title") == "5/2026: 2nd dekad of February 2026 (revision 2)"
    new, old = entries[0].findtext(f"{ATOM}summary"), entries[1].findtext(f"{ATOM}summary")
    assert "Kazakhstan: warning; Kyrgyzstan: alert" in new and f"Revision 2: Corrected gauge {EVIL}" in new
    assert "Superseded by revision 2 on February 23, 2026, 10:00 UTC+05:00." in old
    assert f"Revision 2: Corrected gauge {EVIL}" in old and "Superseded" not in new
    assert all(e.findtext(f"{ATOM}summary").startswith("SYNTHETIC SAMPLE DATA") for e in entries)
    assert "synthetic sample data" in feed.findtext(f"{ATOM}subtitle")


def test_feed_links_relative_and_absolute():
    rel, ab = _feed(), _feed("https://example.org/bulletins")
    listed = all_files(make_manifest())
    entry = rel.find(f"{ATOM}entry")
    links = entry.findall(f"{ATOM}link")
    assert links[0].get("rel") == "alternate" and links[0].get("hreflang") == "en"
    assert links[0].get("href") == "issues/2026/005-2026-02-d2/r2/syrdarya-2026-02-d2.en.html"
    assert links[0].get("type") == "text/html"
    assert {lk.get("rel") for lk in links[1:]} == {"related"} and len(links) == 8
    assert all(lk.get("href") in listed for e in rel.findall(f"{ATOM}entry") for lk in e.findall(f"{ATOM}link"))
    self_link = [lk.get("href") for lk in rel.findall(f"{ATOM}link") if lk.get("rel") == "self"]
    assert self_link == ["feed.atom"]
    hrefs = [lk.get("href") for e in ab.findall(f"{ATOM}entry") for lk in e.findall(f"{ATOM}link")]
    assert all(h.startswith("https://example.org/bulletins/issues/") for h in hrefs)
    assert [lk.get("href") for lk in ab.findall(f"{ATOM}link") if lk.get("rel") == "self"] == \
        ["https://example.org/bulletins/feed.atom"]
    assert [e.findtext(f"{ATOM}id") for e in ab.iter(f"{ATOM}entry")] == \
        [e.findtext(f"{ATOM}id") for e in rel.iter(f"{ATOM}entry")]
    with pytest.raises(RenderError):
        atom_feed(make_manifest(), base_url="javascript:alert(1)")


def test_feed_does_not_depend_on_the_clock():
    """Rendered twice a second apart: a time read from the clock (feedgen's default) would differ."""
    first = atom_feed(make_manifest(), base_url=None)
    time.sleep(1.1)
    second = atom_feed(make_manifest(), base_url=None)
    assert first == second
    issued = {r["issued_at"] for i in make_manifest()["issues"] for r in i["revisions"]}
    assert set(re.findall(rb"<updated>([^<]*)</updated>", first)) == {t.encode() for t in issued}
    assert b"python-feedgen" not in first and b"lastBuildDate" not in first and b"published" not in first


# ---- in a browser, 390 px wide ------------------------------------------------------------------

# Appended to a copy of index.html: what the browser laid out, kept in a DOM attribute and sent to the frame around it.
PROBE = """<script>
(function () {
  var smallest = 1e9, where = "";
  document.querySelectorAll("ol.issues *").forEach(function (el) {
    var own = Array.prototype.some.call(el.childNodes, function (n) { return n.nodeType === 3 && n.textContent.trim(); });
    if (!own) return;
    var size = parseFloat(getComputedStyle(el).fontSize);
    if (size < smallest) { smallest = size; where = el.className || el.tagName; }
  });
  var probe = JSON.stringify({
    title: document.title, scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth, innerWidth: window.innerWidth,
    body: parseFloat(getComputedStyle(document.body).fontSize), smallest: smallest, smallestElement: where,
    hrefs: Array.prototype.map.call(document.querySelectorAll("[href]"), function (e) { return e.href; })});
  document.documentElement.setAttribute("data-probe", probe);
  if (window.parent !== window) window.parent.postMessage(probe, "*");
})();
</script>
"""
# Headless Chromium does not make a window narrower than 500 px, whatever --window-size says: the page is
# laid out in a frame 390 px wide, which gets the viewport of a phone (window.innerWidth 390).
FRAME = """<!DOCTYPE html><html><head><title>frame</title></head><body style="margin:0">
<iframe src="probe.html" style="width:390px;height:1200px;border:0;display:block"></iframe>
<script>window.addEventListener("message", function (e) {
  document.documentElement.setAttribute("data-probe", e.data); });</script>
</body></html>
"""


def _chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


def write_archive(folder: Path, manifest) -> None:
    """The index pages, the feed and a dummy file for every file the manifest lists."""
    for name in all_files(manifest):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(b"dummy\n")
    for name, data in index_pages(manifest).items():
        (folder / name).write_bytes(data)
    (folder / "feed.atom").write_bytes(atom_feed(manifest, base_url=None))
    (folder / "archive.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_the_index_fits_a_phone_in_chromium(tmp_path):
    browser = _chromium()
    if browser is None:
        pytest.skip("no chromium or chromium-browser binary on PATH")
    write_archive(tmp_path, make_manifest())
    (tmp_path / "probe.html").write_bytes((tmp_path / "index.html").read_bytes() + PROBE.encode())
    (tmp_path / "frame390.html").write_text(FRAME, encoding="utf-8")
    run = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=390,1200",
         "--virtual-time-budget=2000", f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
         (tmp_path / "frame390.html").as_uri()],
        capture_output=True, text=True, timeout=120)
    dom = BeautifulSoup(run.stdout, "html.parser")
    assert dom.html is not None and dom.html.get("data-probe"), (run.returncode, run.stderr[-2000:])
    probe = json.loads(dom.html["data-probe"])
    hrefs = probe.pop("hrefs")
    assert "hydrological early-warning bulletins" in probe["title"], probe
    assert probe["innerWidth"] == 390, probe
    assert probe["scrollWidth"] <= min(probe["clientWidth"], probe["innerWidth"]), probe
    assert probe["body"] >= 16, probe
    assert 12 <= probe["smallest"] < 1e9, probe
    assert len(hrefs) > 30
    root = tmp_path.resolve()
    for href in hrefs:  # as the browser resolved them against the page's folder
        parts = urlsplit(href)
        assert parts.scheme == "file" and not parts.query, href
        target = Path(unquote(parts.path)).resolve()
        assert target.is_relative_to(root) and target.is_file(), href
