#!/usr/bin/env bash
# Install WordNet 3.0 for nltk's METEOR (isac's approximate METEOR backend, used only without Java).
# nltk cannot download data here, so the dictionary comes from Debian: wordnet-base (dict files and the
# lexnames(5WN) man page) and wordnet-sense-index (index.sense). nltk also needs a `lexnames` file; it
# is written from the table in that man page. Files are copied, not linked: nltk refuses links that
# lead outside its data root.
#
# Usage: scripts/setup_wordnet.sh [VENV]   (default .venv; the data goes to VENV/nltk_data, which the
# venv's Python searches by default; set NLTK_DATA to install somewhere else instead)
set -euo pipefail
venv="${1:-.venv}"
dict_dir=/usr/share/wordnet
man_page=/usr/share/man/man5/lexnames.5WN.gz

missing=()
for pkg in wordnet-base wordnet-sense-index; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "setup_wordnet: installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup_wordnet: need Debian packages ${missing[*]} (run as root, or apt-get install them)" >&2
    exit 1
  fi
fi

data_root="${NLTK_DATA:-$venv/nltk_data}"
data_root="${data_root%%:*}"
target="$data_root/corpora/wordnet"
mkdir -p "$target"
cp "$dict_dir"/* "$target"/

# lexnames: "NN<TAB>name<TAB>syntactic category" (1 noun, 2 verb, 3 adjective, 4 adverb).
zcat "$man_page" | awk -F '\t' '
  /^[0-9][0-9]\t/ {
    name = $2; gsub(/ /, "", name)
    split(name, part, ".")
    category = (part[1] == "noun") ? 1 : (part[1] == "verb") ? 2 : (part[1] == "adj") ? 3 : 4
    printf "%s\t%s\t%d\n", $1, name, category
  }' >"$target/lexnames"
lines=$(wc -l <"$target/lexnames")
if [[ "$lines" -ne 45 ]]; then
  echo "setup_wordnet: expected 45 lexnames entries from $man_page, got $lines" >&2
  exit 1
fi
echo "setup_wordnet: WordNet 3.0 installed in $target"
