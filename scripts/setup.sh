#!/usr/bin/env bash
# Install everything isac needs into a virtual environment (default .venv), one line per step.
#
#   bash scripts/setup.sh [VENV]                  Python packages + the system packages of the demo
#   ISAC_SYSTEM_PACKAGES=test bash scripts/setup.sh   ... + those of the tests and the corpus (make test)
#   bash scripts/setup.sh --system-only           only the system packages
#
# System packages are optional and never stop the set-up: as root on Debian/Ubuntu they are installed
# with apt-get, waiting up to ISAC_APT_WAIT seconds (default 120) for another apt/dpkg (e.g.
# unattended-upgrades on a fresh machine) to release its lock; if apt-get is missing, locked or fails,
# one warning says what is missing and what that disables, and the set-up carries on.
#   demo: openjdk-17-jre-headless (exact METEOR 1.5), wordnet-base, wordnet-sense-index (nltk fallback)
#   test: + espeak-ng, sox (regenerate the mini corpus), chromium (the report's browser test)
set -euo pipefail

system_only=0
if [[ "${1:-}" == "--system-only" ]]; then
  system_only=1
  shift
fi
venv="${1:-.venv}"
level="${ISAC_SYSTEM_PACKAGES:-demo}"
apt_wait="${ISAC_APT_WAIT:-120}"
started=$SECONDS

step() { printf 'setup: %s\n' "$*"; }
warn() { printf 'setup: warning: %s\n' "$*" >&2; }

system_packages=(openjdk-17-jre-headless wordnet-base wordnet-sense-index)
if [[ "$level" == test ]]; then
  system_packages+=(espeak-ng sox chromium)
fi
declare -A disables=(
  [openjdk-17-jre-headless]="exact METEOR 1.5 (falls back to nltk's approximation)"
  [wordnet-base]="nltk's METEOR fallback"
  [wordnet-sense-index]="nltk's METEOR fallback"
  [espeak-ng]="regenerating the mini corpus"
  [sox]="regenerating the mini corpus"
  [chromium]="the report's browser test"
)

missing_packages() {
  local pkg
  for pkg in "${system_packages[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || printf '%s\n' "$pkg"
  done
}

install_system_packages() {
  local -a missing
  mapfile -t missing < <(missing_packages)
  ((${#missing[@]})) || { step "system packages: all present"; return 0; }
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    step "system packages: installing ${missing[*]} (waiting up to ${apt_wait} s for the dpkg lock)"
    local log
    log=$(mktemp)
    if apt-get -o DPkg::Lock::Timeout="$apt_wait" update -qq >"$log" 2>&1 \
      && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout="$apt_wait" install -y -qq \
        --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
      rm -f "$log"
    else
      warn "apt-get failed ($(grep -m1 -iE 'lock|E:|error' "$log" || tail -n1 "$log")); carrying on"
      rm -f "$log"
    fi
    mapfile -t missing < <(missing_packages)
  fi
  local pkg
  for pkg in "${missing[@]}"; do
    warn "optional system package $pkg not installed: no ${disables[$pkg]}"
  done
  if ((${#missing[@]})) && [[ $(id -u) -ne 0 ]]; then
    warn "run as root (or: sudo apt-get install ${missing[*]}) to install them"
  fi
  return 0
}

install_system_packages
if ((system_only)); then
  step "done in $((SECONDS - started)) s (system packages only)"
  exit 0
fi

pip_install() { "$venv/bin/python" -m pip install -q --disable-pip-version-check "$@"; }

step "[1/6] virtual environment $venv"
[[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
pip_install --upgrade pip
# torch first and pinned: 2.13.0 is a CPU build on our machines; an unpinned torch pulls CUDA wheels.
# ISAC_WITH_TORCHVISION=1 installs torch 2.14.1 with torchvision 0.29.1 instead (a CUDA build of several
# GB that also runs on the CPU): the Qwen2.5-Omni and Phi-4 processors need torchvision, and no
# torchvision on PyPI imports beside the 2.13.0 CPU build.
if [[ "${ISAC_WITH_TORCHVISION:-0}" == 1 ]]; then
  step "[2/6] torch 2.14.1 + torchvision 0.29.1 (large download)"
  pip_install "torch==2.14.1" "torchvision==0.29.1"
else
  step "[2/6] torch 2.13.0 (CPU)"
  pip_install "torch==2.13.0"
fi
step "[3/6] isac with its models, sft, dev and ray extras (editable)"
# Ray (isac[ray], ~80 MB, ~20 s from a wheel cache) so the --ray tests run rather than skip; peft and
# datasets (isac[sft]) for the fine-tuning loop.
pip_install -e ".[models,sft,dev,ray]"
# The test plugin (a model adapter and a checker kind registered only through entry points);
# tests/plugins fails without it.
step "[4/6] the example plugin of the tests"
pip_install -e tests/plugins/isac_example_plugin
# The METEOR 1.5 jars ship in this wheel; its own dependencies (pycocotools) are not needed.
step "[5/6] METEOR 1.5 jars (pycocoevalcap)"
pip_install --no-deps "pycocoevalcap>=1.2"
# WordNet for the approximate nltk METEOR fallback (used only where Java is absent).
step "[6/6] WordNet for nltk"
bash scripts/setup_wordnet.sh "$venv" >/dev/null || warn "WordNet not installed; nltk-approx METEOR unavailable"
size=$(du -sh "$venv" 2>/dev/null | cut -f1)
step "done in $((SECONDS - started)) s: $("$venv/bin/isac" --version), venv $size"
