"""PTB tokenization as the official caption scorer does it before METEOR.

Stanford CoreNLP 3.4.1's PTBTokenizer, one line per sentence, lowercased; then punctuation tokens are
dropped. The tokenizer runs once per batch of sentences (one JVM start, ~0.5 s), not once per sentence.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

from isac.compiler.errors import ScoringError

# Tokens the official scorer removes after tokenization. The bracket forms are upper case while the
# tokenizer runs with -lowerCase, so "-lrb-"/"-rrb-" survive there; kept as is to match its numbers.
PUNCTUATION_TOKENS = frozenset(
    ["''", "'", "``", "`", "-LRB-", "-RRB-", "-LCB-", "-RCB-", ".", "?", "!", ",", ":", "-", "--", "...", ";"]
)
# Characters the tokenizer treats as line ends; inside a sentence they would break line alignment.
_LINE_BREAKS = str.maketrans(dict.fromkeys("\n\r\x0b\x0c\u2028\u2029", " "))
# A last line that must come back unchanged: proves the output lines align with the input lines.
_SENTINEL = "isacendofbatch"


def _strip_punctuation(line: str) -> str:
    return " ".join(token for token in line.split(" ") if token not in PUNCTUATION_TOKENS)


def ptb_tokenize(texts: Sequence[str], java: Path, corenlp_jar: Path) -> list[str]:
    """Tokenize, lowercase and de-punctuate every text with one run of the CoreNLP PTBTokenizer."""
    if not texts:
        return []
    payload = "\n".join(text.translate(_LINE_BREAKS) for text in texts) + "\n" + _SENTINEL + "\n"
    command = [
        str(java),
        "-Dfile.encoding=UTF-8",
        "-cp",
        str(corenlp_jar),
        "edu.stanford.nlp.process.PTBTokenizer",
        "-preserveLines",
        "-lowerCase",
        "-encoding",
        "utf-8",
    ]
    done = subprocess.run(command, input=payload.encode("utf-8"), capture_output=True, check=False)
    if done.returncode != 0:
        raise ScoringError(
            f"PTB tokenizer ({corenlp_jar}) failed with status {done.returncode}: "
            f"{done.stderr.decode('utf-8', 'replace')[-2000:]}"
        )
    lines = done.stdout.decode("utf-8").split("\n")
    if len(lines) <= len(texts) or lines[len(texts)].strip() != _SENTINEL:
        raise ScoringError(
            f"PTB tokenizer returned {len(lines)} lines for {len(texts)} sentences; output does not align"
        )
    return [_strip_punctuation(line.rstrip()) for line in lines[: len(texts)]]
