#!/usr/bin/env bash
# Install everything isac needs into a virtual environment (default .venv).
# As root on Debian it also installs the system packages: Java for exact METEOR 1.5, espeak-ng and sox
# to regenerate the mini corpus, Chromium to test the HTML report. Without root it says what is missing.
set -euo pipefail
venv="${1:-.venv}"

system_packages=(openjdk-17-jre-headless wordnet-base wordnet-sense-index espeak-ng sox chromium)
missing=()
for pkg in "${system_packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: optional system packages not installed: ${missing[*]}" >&2
    echo "setup: without Java, METEOR falls back to nltk (approximate); tests needing them are skipped" >&2
  fi
fi

if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --upgrade pip
# torch first and pinned: 2.13.0 is a CPU build on our machines; an unpinned torch pulls CUDA wheels.
# ISAC_WITH_TORCHVISION=1 installs torch 2.14.1 with torchvision 0.29.1 instead (a CUDA build of several
# GB that also runs on the CPU): the Qwen2.5-Omni and Phi-4 processors need torchvision, and no
# torchvision on PyPI imports beside the 2.13.0 CPU build.
if [[ "${ISAC_WITH_TORCHVISION:-0}" == 1 ]]; then
  "$venv/bin/python" -m pip install -q "torch==2.14.1" "torchvision==0.29.1"
else
  "$venv/bin/python" -m pip install -q "torch==2.13.0"
fi
"$venv/bin/python" -m pip install -q -e ".[models,sft,dev]"
# The test plugin (a model adapter and a checker kind registered only through entry points);
# tests/plugins fails without it.
"$venv/bin/python" -m pip install -q -e tests/plugins/isac_example_plugin
# The METEOR 1.5 jars ship in this wheel; its own dependencies (pycocotools) are not needed.
"$venv/bin/python" -m pip install -q --no-deps "pycocoevalcap>=1.2"
# WordNet for the approximate nltk METEOR fallback (used only where Java is absent).
bash scripts/setup_wordnet.sh "$venv" >/dev/null || echo "setup: WordNet not installed; nltk-approx METEOR unavailable" >&2
echo "setup: done ($("$venv/bin/isac" --version))"
