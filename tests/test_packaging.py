"""The wheel ships the catalogue, templates, network, sample data, catalogues and schema."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True)
    (found,) = out.glob("syrdarya_bulletin-*.whl")
    return zipfile.ZipFile(found)


def test_wheel_carries_the_data_folders(wheel):
    names = set(wheel.namelist())
    for required in ("bulletin/_data/indicators/syrdarya.yaml", "bulletin/_data/indicators/variables.yml",
                     "bulletin/_data/templates/bulletin.html", "bulletin/_data/templates/print.css",
                     "bulletin/_data/data/basin/syrdarya.yaml", "bulletin/_data/data/sample/toktogul.csv.gz",
                     "bulletin/locale/ru/LC_MESSAGES/bulletin.po", "bulletin/locale/en/LC_MESSAGES/bulletin.po",
                     "bulletin/schema/results.schema.json"):
        assert required in names, required
    samples = {n for n in names if n.startswith("bulletin/_data/data/sample/") and n.endswith(".csv.gz")}
    assert len(samples) == len(list((ROOT / "data" / "sample").glob("*.csv.gz")))


def test_wheel_entry_point(wheel):
    meta = next(n for n in wheel.namelist() if n.endswith("entry_points.txt"))
    assert "bulletin = bulletin.cli:main" in wheel.read(meta).decode()


def test_wheel_carries_the_licence_and_the_notice_in_its_metadata(wheel):
    names = wheel.namelist()
    meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = wheel.read(meta).decode()
    assert "License-Expression: MIT" in text
    assert "License-File: LICENSE" in text and "License-File: NOTICE" in text
    for name in ("LICENSE", "NOTICE"):
        (inside,) = [n for n in names if n.endswith(f".dist-info/licenses/{name}")]
        assert wheel.read(inside) == (ROOT / name).read_bytes()
    assert "Permission is hereby granted, free of charge" in (ROOT / "LICENSE").read_text(encoding="utf-8")


def test_version_names_the_package_and_the_schema():
    from click.testing import CliRunner

    from bulletin import SCHEMA_VERSION, __version__
    from bulletin.cli import main

    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"bulletin {__version__} (results JSON schema {SCHEMA_VERSION})\n"
    assert SCHEMA_VERSION.count(".") == 2 and __version__.count(".") == 2


def test_the_json_and_the_pages_name_all_three_versions(sample):
    import json

    from bs4 import BeautifulSoup

    from bulletin import SCHEMA_VERSION, __version__
    from bulletin.render.json import schema

    out, _ = sample
    head = json.loads((out / "syrdarya-2026-11-d2.json").read_text(encoding="utf-8"))["bulletin"]
    assert (head["software_version"], head["schema_version"]) == (__version__, SCHEMA_VERSION)
    assert head["catalogue"]["version"] == "0.1.0-sample"
    assert schema()["properties"]["bulletin"]["properties"]["schema_version"]["const"] == SCHEMA_VERSION
    page = BeautifulSoup((out / "syrdarya-2026-11-d2.ru.html").read_text(encoding="utf-8"), "html.parser")
    provenance = page.select_one("#provenance")
    assert provenance.select_one(".software-version").text == __version__
    assert provenance.select_one(".schema-version").text == SCHEMA_VERSION
    assert "Версия схемы JSON результатов" in provenance.text and "0.1.0-sample" in provenance.text
