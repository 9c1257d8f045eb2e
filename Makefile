# Two commands set everything up on a fresh machine: `make demo` (main job) and `make test` (tests).
# Both create .venv and install what they need first (scripts/setup.sh).
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: setup demo sft-demo test lint bench

setup: $(VENV)/.isac-installed

$(VENV)/.isac-installed: pyproject.toml setup.py scripts/setup.sh
	bash scripts/setup.sh $(VENV)
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

test: setup lint
	$(VENV)/bin/pytest

bench: setup
	for script in benchmarks/bench_*.py; do $(PY) $$script || exit 1; done
