# Syr Darya early-warning bulletin. `make help` lists the targets.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
OUT ?= out
ISSUED_AT ?=
SAMPLE_OUT ?= data/sample
# The sample's verification file (bulletin generate shows its scores in the annex): 3 hydrological years.
VERIFY_FROM ?= 2023-10-d1
VERIFY_TO ?= 2026-09-d3
VERIFICATION ?= data/verification/sample.json

.DEFAULT_GOAL := help
.PHONY: help install bulletin test golden lint bench bench-ingest bench-outlook bench-backfill bench-climate bench-qc kill-publish \
	bench-cluster bench-bulletin fuzz \
	verification sample-data \
	i18n clean

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## Create the virtual environment and install the project (done by the other targets)

bulletin: $(STAMP) ## Generate the sample bulletin (latest dekad, ru and en: HTML, PDF, JSON) in out/
	$(VENV)/bin/bulletin generate --out $(OUT) --format html,pdf,json,csv $(if $(ISSUED_AT),--issued-at $(ISSUED_AT))

test: $(STAMP) ## Lint (ruff, with docstrings) and run the test suite with the doctests and the import contracts
	$(VENV)/bin/ruff check bulletin tests benchmarks tools
	$(PY) -m pytest -q

golden: $(STAMP) ## Rewrite tests/golden (the sample's results JSON and English HTML, three archived dekads) after an intended change
	$(PY) -m tests.test_golden

lint: $(STAMP) ## Check the code with ruff
	$(VENV)/bin/ruff check bulletin tests benchmarks tools

bench: bench-ingest bench-outlook bench-backfill bench-climate bench-bulletin ## The benchmarks below but bench-cluster (10,000 stations: long)

bench-ingest: $(STAMP) ## Ingest time and peak memory, 500 stations x 30 years daily, every format (minutes; BENCH_ARGS)
	$(PY) benchmarks/ingest.py $(BENCH_ARGS)

bench-outlook: $(STAMP) ## Outlook: 25-year hindcast, share of one bulletin's time, vs floors (minutes; OUTLOOK_ARGS=--quick)
	$(PY) benchmarks/outlook.py $(OUTLOOK_ARGS)

bench-backfill: $(STAMP) ## Backfill of 36 dekads into an archive vs one bulletin and WeasyPrint's layout (BACKFILL_ARGS=--quick)
	$(PY) benchmarks/backfill.py $(BACKFILL_ARGS)

bench-bulletin: $(STAMP) ## One bulletin (ru+en) vs its imports + WeasyPrint's layout; JSON only vs imports (BULLETIN_ARGS="--base DIR")
	$(PY) benchmarks/one_bulletin.py $(BULLETIN_ARGS)

fuzz: $(STAMP) ## Fuzz every reader and the network and catalogue loaders, 10,000 examples each (minutes)
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -q tests/test_fuzz.py

kill-publish: $(STAMP) ## Kill 'bulletin publish' 50 times at random moments; the archive must be as before or complete
	$(PY) tools/kill_publish.py $(KILL_ARGS)

bench-climate: $(STAMP) ## Climatology and status, 1,000 stations x 35 years daily, vs a numpy floor (minutes; CLIMATE_ARGS)
	$(PY) benchmarks/climate.py $(CLIMATE_ARGS)

bench-cluster: $(STAMP) ## Climatology and status from a Zarr store of 1,000 and 10,000 stations on 2 dask workers (DISTRIBUTED_ARGS)
	$(PY) benchmarks/distributed.py $(DISTRIBUTED_ARGS)

bench-qc: $(STAMP) ## QC of dekad and month values on the real archives in ../shared/data: flags per check, typos caught (minutes)
	$(PY) benchmarks/qc_archive.py $(BENCH_ARGS)

verification: $(STAMP) ## Rewrite data/verification/sample.json, the sample's outlook scores (bulletin verify, 3 years)
	$(VENV)/bin/bulletin verify --from $(VERIFY_FROM) --to $(VERIFY_TO) --scores-only --out $(VERIFICATION)

sample-data: $(STAMP) ## Regenerate the synthetic sample data in data/sample (deterministic; SAMPLE_OUT=dir to write elsewhere)
	$(PY) tools/samplegen.py --out $(SAMPLE_OUT)

i18n: $(STAMP) ## Extract messages into bulletin/locale/bulletin.pot and update the .po catalogues
	$(PY) -m bulletin.render.messages update

clean: ## Remove the virtual environment and generated output
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache
