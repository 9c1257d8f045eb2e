# Two commands set everything up on a fresh machine: `make demo` (main job) and `make test` (tests).
# Both create .venv and install what they need first (scripts/setup.sh).
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: setup setup-test demo sft-demo test lint bench corpus

# The demo's set-up: Python packages and Java/WordNet; `make test` and `make corpus` add espeak-ng, sox
# and Chromium. System packages are optional: the set-up warns and carries on without them.
setup: $(VENV)/.isac-installed

$(VENV)/.isac-installed: pyproject.toml setup.py scripts/setup.sh
	bash scripts/setup.sh $(VENV)
	touch $@

setup-test: $(VENV)/.isac-test-system

$(VENV)/.isac-test-system: $(VENV)/.isac-installed
	ISAC_SYSTEM_PACKAGES=test bash scripts/setup.sh --system-only
	touch $@

demo: setup
	$(VENV)/bin/isac demo --out demo-output

# The mitigation loop on the mini corpus, CPU only: test set -> SFT corpus -> disjointness check -> tiny
# Qwen2-Audio before -> fine-tune -> after -> sft-demo-output/what-fine-tuning-changed.md
sft-demo: setup
	$(PY) -m isac.runtime.sft.demo --out sft-demo-output

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: setup setup-test lint
	$(VENV)/bin/pytest

bench: setup
	for script in benchmarks/bench_*.py; do $(PY) $$script || exit 1; done

corpus: setup-test
	$(PY) scripts/make_mini_corpus.py --out data/mini
