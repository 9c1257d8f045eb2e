"""Exact METEOR 1.5: one long-lived `meteor-1.5.jar` process in stdio mode.

The jar loads a 60 MB paraphrase table at start (several seconds), so one process serves a whole
scoring run. Its stdio protocol is line based: a request `SCORE ||| ref 1 ||| ... ||| ref n ||| hyp`
is answered by one line of 23 segment statistics; `EVAL ||| stats 1 ||| ... ||| stats k` is answered
by k segment scores and then the corpus score of the summed statistics. A malformed request is answered
by one error line, so replies stay aligned with requests.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
import weakref
from collections.abc import Sequence
from types import TracebackType
from typing import IO

from isac.compiler.errors import ScoringError
from isac.runtime.scoring.metrics.java_tools import JavaTools, find_java_tools
from isac.runtime.scoring.metrics.meteor_stats import (
    JAR_BACKEND,
    JAR_STATS_LENGTH,
    MeteorStats,
    format_totals,
    sum_meteor_stats,
)
from isac.runtime.scoring.metrics.ptb_tokenizer import ptb_tokenize

# Requests written before their replies are read. Replies are ~100 bytes, so a chunk's replies fit in
# the OS pipe buffer and neither side can block the other.
_CHUNK = 128
_SEPARATOR = " ||| "


def _protocol_text(text: str) -> str:
    # "|||" separates fields and a line break ends the request: neither may survive inside a segment.
    # Deleting "|||" is what the official scorer does to hypotheses.
    return " ".join(text.replace("|||", "").split())


def _stop(process: subprocess.Popen[str], stderr: IO[bytes]) -> None:
    # End of input makes the jar exit; one still loading its tables is terminated (nothing to lose).
    if process.poll() is None:
        try:
            if process.stdin is not None:
                process.stdin.close()
            process.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    if process.stdout is not None:
        process.stdout.close()
    stderr.close()


def die_with_parent(command: list[str]) -> list[str]:
    """`command` wrapped so the kernel kills it when isac dies, even by `kill -9` (Linux `setpriv`).

    The jar would otherwise outlive a killed `isac score`, holding 2 GB of heap. The parent-death signal
    follows the thread that started the child; scoring starts the jar from its main thread. Without
    `setpriv` (not Linux, or no util-linux) the command runs as it is and is stopped by `close()`.
    """
    setpriv = shutil.which("setpriv")
    if setpriv is None or threading.current_thread() is not threading.main_thread():
        return command
    return [setpriv, "--pdeathsig", "KILL", "--", *command]


class Meteor15:
    """A running METEOR 1.5 scorer (`-l en -norm`), PTB-tokenizing its inputs like the official scorer.

    Use as a context manager, or call `close()`. Thread-safe: requests are serialised by a lock.
    """

    backend = JAR_BACKEND

    def __init__(
        self, tools: JavaTools | None = None, *, tokenize: bool = True, max_heap: str = "2G"
    ) -> None:
        self.tools = tools or find_java_tools()
        self.tokenize_inputs = tokenize
        self._lock = threading.Lock()
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the process
        command = [
            str(self.tools.java),
            f"-Xmx{max_heap}",
            "-Dfile.encoding=UTF-8",
            # The jar parses EVAL numbers with a locale-dependent scanner; pin the decimal point.
            "-Duser.language=en",
            "-Duser.country=US",
            "-jar",
            str(self.tools.meteor_jar),
            "-",
            "-",
            "-stdio",
            "-l",
            "en",
            "-norm",
        ]
        try:
            self._process: subprocess.Popen[str] = subprocess.Popen(
                die_with_parent(command),
                cwd=self.tools.meteor_jar.parent,  # the jar finds data/paraphrase-en.gz next to itself
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
                text=True,
                encoding="utf-8",
            )
        except OSError as exc:
            self._stderr.close()
            raise ScoringError(f"cannot start METEOR 1.5 ({self.tools.meteor_jar}): {exc}") from exc
        self._finalizer = weakref.finalize(self, _stop, self._process, self._stderr)

    @property
    def pid(self) -> int:
        """Process id of the jar (one process for the scorer's whole life)."""
        return self._process.pid

    def __enter__(self) -> Meteor15:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop the jar: close its input, then terminate it if it has not exited within 2 s."""
        with self._lock:
            self._finalizer()

    def tokenize(self, texts: Sequence[str]) -> list[str]:
        """PTB-tokenize texts in one tokenizer run (lowercased, punctuation tokens removed)."""
        return ptb_tokenize(texts, self.tools.java, self.tools.corenlp_jar)

    def row_stats(self, hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> list[MeteorStats]:
        """Segment statistics of each hypothesis against its references (one or more per row)."""
        if len(hypotheses) != len(references):
            raise ScoringError(
                f"METEOR needs references for every hypothesis; got {len(hypotheses)} hypotheses "
                f"and {len(references)} reference lists"
            )
        for index, refs in enumerate(references):
            if isinstance(refs, str) or not refs:
                raise ScoringError(f"METEOR row {index}: expected a non-empty list of reference strings")
        hyps, refs_per_row = list(hypotheses), [list(refs) for refs in references]
        if self.tokenize_inputs:
            hyps, refs_per_row = self._tokenize_rows(hyps, refs_per_row)
        requests = [
            _SEPARATOR.join(["SCORE", *(_protocol_text(r) for r in refs), _protocol_text(hyp)])
            for hyp, refs in zip(hyps, refs_per_row, strict=True)
        ]
        # A segment's statistics depend only on its request line, and lines repeat a lot (every
        # non-compliant answer is "", case variants tokenize alike): the jar scores each line once.
        distinct = list(dict.fromkeys(requests))
        answers: dict[str, MeteorStats] = {}
        for start in range(0, len(distinct), _CHUNK):
            chunk = distinct[start : start + _CHUNK]
            replies = self._exchange(chunk, len(chunk))
            for request, reply in zip(chunk, replies, strict=True):
                answers[request] = self._parse_stats(request, reply)
        return [answers[request] for request in requests]

    def eval_lines(self, lines: Sequence[str]) -> tuple[list[float], float]:
        """The jar's EVAL over statistics lines: (segment scores, corpus score)."""
        if not lines:
            raise ScoringError("METEOR needs at least one row to aggregate")
        request = _SEPARATOR.join(["EVAL", *lines])
        replies = self._exchange([request], len(lines) + 1)
        try:
            scores = [float(reply) for reply in replies]
        except ValueError as exc:
            raise ScoringError(f"METEOR 1.5 answered EVAL with {replies[:3]!r}...") from exc
        return scores[:-1], scores[-1]

    def score_from_totals(self, totals: Sequence[float]) -> float:
        """Corpus score of summed `MeteorStats.summable()` values (one EVAL of one line)."""
        if len(totals) != JAR_STATS_LENGTH:
            raise ScoringError(f"METEOR 1.5 totals need {JAR_STATS_LENGTH} values, got {len(totals)}")
        return self.eval_lines([format_totals(totals)])[1]

    def corpus_score(self, stats: Sequence[MeteorStats]) -> float:
        """Corpus METEOR of row statistics, aggregated the way the jar aggregates."""
        backend, totals, _ = sum_meteor_stats(stats)
        if backend != self.backend:
            raise ScoringError(f"statistics from backend {backend!r} cannot be scored by {self.backend!r}")
        return self.score_from_totals(totals)

    def _tokenize_rows(
        self, hyps: list[str], refs_per_row: list[list[str]]
    ) -> tuple[list[str], list[list[str]]]:
        # Each distinct text is tokenized once (references recur once per variant of their item).
        flat = list(dict.fromkeys([*hyps, *(ref for refs in refs_per_row for ref in refs)]))
        tokens = dict(zip(flat, self.tokenize(flat), strict=True))
        return [tokens[hyp] for hyp in hyps], [[tokens[ref] for ref in refs] for refs in refs_per_row]

    def _exchange(self, requests: Sequence[str], expected_replies: int) -> list[str]:
        with self._lock:
            process = self._process
            if process.poll() is not None or process.stdin is None or process.stdout is None:
                raise ScoringError(f"METEOR 1.5 process is not running{self._stderr_tail()}")
            try:
                process.stdin.write("".join(request + "\n" for request in requests))
                process.stdin.flush()
            except OSError as exc:
                raise ScoringError(
                    f"METEOR 1.5 process stopped accepting input{self._stderr_tail()}"
                ) from exc
            replies = []
            for _ in range(expected_replies):
                reply = process.stdout.readline()
                if not reply:
                    raise ScoringError(f"METEOR 1.5 process ended unexpectedly{self._stderr_tail()}")
                replies.append(reply.strip())
            return replies

    @staticmethod
    def _parse_stats(request: str, reply: str) -> MeteorStats:
        parts = reply.split()
        if len(parts) != JAR_STATS_LENGTH:
            raise ScoringError(f"METEOR 1.5 answered {reply!r} to request {request[:200]!r}")
        return MeteorStats.from_line(JAR_BACKEND, reply)

    def _stderr_tail(self) -> str:
        if self._stderr.closed:
            return " (closed)"
        self._stderr.seek(0)
        tail = self._stderr.read().decode("utf-8", "replace")[-2000:].strip()
        return f": {tail}" if tail else ""
