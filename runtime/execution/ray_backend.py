"""`isac exec --ray`: N Ray actors each hold one adapter; the driver dispatches batches and writes records.

The driver (the `isac exec` process) stays the single writer of the append-only log: actors only answer
batches and send Generations back, so resume, `--retry-errors`, fingerprints and kill -9 safety are those
of a local run. Batches are handed out dynamically: each replica keeps `in_flight` calls queued, and a
replica that finishes gets the next call, so a slow GPU or node takes fewer. A call carries one batch, or
several when batches are quick (see `batches_per_call`), because each Ray call costs a few milliseconds.
When an actor dies (node lost, OOM, `ray.kill`), the batches it held go back to the front of the queue
and a new actor replaces it, at most `max_restarts` times in the whole run; past that the run stops with
the rows written so far kept (rerun to resume).

Ray is an optional extra (`pip install 'isac[ray]'`); it is imported only when `--ray` is given.
"""

from __future__ import annotations

import contextlib
import math
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from isac.compiler.errors import RunError, error_summary, first_line
from isac.runtime.adapters.base import AdapterOptions, Generation, GenerationRequest

# Imported here, not in `_Replica.run`: an actor imports this module when it starts, and the engine's
# imports (manifest rows, jsonschema: ~0.2 s) belong to the replica's start, not to its first batch.
from isac.runtime.execution.engine import generate_batch

DEFAULT_MAX_RESTARTS = 3
_Write = Callable[[Sequence[Any], Sequence[Generation]], None]

# One Ray call costs ~2 ms of driver CPU and ~1-2 ms of the replica's time (2 shared cores), which is a
# tenth of a 30 ms batch of a tiny model but nothing against a GPU batch of a 7B model. Quick batches are
# therefore grouped so that a call lasts about CALL_SECONDS, at most MAX_BATCHES_PER_CALL batches (a lost
# replica requeues all of them; the records of a call are written when it returns).
CALL_SECONDS = 0.25
MAX_BATCHES_PER_CALL = 16


@dataclass(frozen=True)
class RayOptions:
    """How to place the replicas. `address` None starts a local cluster; "auto" joins a running one."""

    address: str | None = None
    replicas: int = 1
    gpus_per_replica: float = 0.0
    cpus_per_replica: float | None = None  # None: 1 with GPUs, else an even share (see cpus_per_replica())
    max_restarts: int = DEFAULT_MAX_RESTARTS
    in_flight: int = 2  # calls queued per replica, so it never waits for the driver between calls


def import_ray() -> Any:
    """The ray module, or a RunError saying how to install it."""
    try:
        import ray
    except ImportError:
        raise RunError(
            "--ray: Ray is not installed; install the extra with `pip install 'isac[ray]'` "
            "(or run without --ray)"
        ) from None
    return ray


def batches_per_call(seconds_per_batch: float | None, queued: int, slots: int) -> int:
    """How many batches the next call carries: enough to last about CALL_SECONDS at the replicas'
    measured `seconds_per_batch` (one until a call has returned), at most MAX_BATCHES_PER_CALL, and no
    more than an even share of the `queued` batches over the `slots` calls that can be in flight, so the
    last batches still spread over every replica."""
    if seconds_per_batch is None:
        return 1
    wanted = math.floor(CALL_SECONDS / max(seconds_per_batch, 1e-6))
    share = math.ceil(queued / max(slots, 1))
    return max(1, min(wanted, MAX_BATCHES_PER_CALL, share))


def cpus_per_replica(ray: Any, options: RayOptions) -> float:
    """The CPUs each replica asks Ray for: `--cpus-per-replica` when given; else 1 for a GPU replica, and
    for a CPU replica an even share of the cluster's CPUs, at most the largest node's.

    The share matters because Ray sets a worker's OMP_NUM_THREADS to its CPUs, and torch sizes its thread
    pool from that: one CPU replica holding 1 CPU on a 2-core machine ran the tiny model 1.33x slower than
    a local run; holding both, 1.01x (benchmarks/bench_exec_ray.py).
    """
    if options.cpus_per_replica is not None:
        return options.cpus_per_replica
    if options.gpus_per_replica > 0:
        return 1.0
    total = float(ray.cluster_resources().get("CPU", 1.0))
    largest = max(
        (float(node["Resources"].get("CPU", 0.0)) for node in ray.nodes() if node.get("Alive")),
        default=total,
    )
    return max(1.0, min(largest, math.floor(total / options.replicas)))


@dataclass(frozen=True)
class ReplicaInfo:
    """What a started replica reports: the driver builds no model itself and takes these from it."""

    model_id: str
    fingerprint: dict[str, Any]
    needs_audio: bool


@dataclass(frozen=True)
class ReplicaFailure:
    """A replica whose adapter could not be built or loaded, and why (sent back as a value, so the
    driver can name the cause instead of Ray's wrapped creation-task error)."""

    reason: str


class _Replica:
    """The actor body: builds one adapter from the model string, loads it, and answers batches with it.

    Loading happens in the constructor, so a replica is ready (or has failed) when `describe` answers:
    the driver never sends batches to a replica still loading weights, and a checkpoint that cannot load
    fails the replica's start instead of every row it is given.
    """

    def __init__(self, model: str, options: AdapterOptions, data_root: str) -> None:
        from isac.runtime.adapters.registry import build_adapter

        self.data_root = Path(data_root)
        self.failure: str | None = None
        try:
            self.adapter = build_adapter(model, options)
            load = getattr(self.adapter, "load", None)
            if callable(load):
                load()
        except Exception as error:
            self.failure = str(error) if isinstance(error, RunError) else error_summary(error)
            return
        self.needs_audio = bool(getattr(self.adapter, "needs_audio", True))

    def describe(self) -> ReplicaInfo | ReplicaFailure:
        if self.failure is not None:
            return ReplicaFailure(self.failure)
        return ReplicaInfo(self.adapter.model_id, self.adapter.fingerprint(), self.needs_audio)

    def check_ready(self) -> None:
        check = getattr(self.adapter, "check_ready", None)
        if callable(check):
            check()

    def run(self, batches: list[list[Any]]) -> tuple[list[list[Generation]], float]:
        """Answer each batch in turn; also return the seconds per batch, which sizes the next calls."""
        started = time.perf_counter()
        answers = [
            generate_batch(self.adapter, batch, data_root=self.data_root, needs_audio=self.needs_audio)
            for batch in batches
        ]
        return answers, (time.perf_counter() - started) / max(len(batches), 1)

    def close(self) -> None:
        if self.failure is None:
            self.adapter.close()


class RayReplicaPool:
    """A ModelAdapter whose batches run on Ray actors; the engine calls `run_batches` instead of generate.

    Replicas start (and load their model) in parallel. The constructor returns once the first is ready;
    the others join the dispatch as they become ready, so a replica waiting for a free GPU or a slow
    node never holds batches. A replica whose start fails, or whose fingerprint differs from the first
    one's (another library version on another node), is left out with a warning.
    """

    def __init__(self, model: str, options: AdapterOptions, ray_options: RayOptions, data_root: Path) -> None:
        if ray_options.replicas < 1:
            raise RunError(f"--replicas {ray_options.replicas}: expected at least 1")
        if ray_options.gpus_per_replica < 0 or (ray_options.cpus_per_replica or 0) < 0:
            raise RunError("--gpus-per-replica and --cpus-per-replica: expected 0 or more")
        self._ray = import_ray()
        self._model = model
        self._options = options
        self._settings = ray_options
        self._data_root = str(data_root)
        self.restarts = 0
        self.calls = 0  # Ray calls made by run_batches (each carries one or more batches)
        self._owns_cluster = not self._ray.is_initialized()
        if self._owns_cluster:
            self._ray.init(
                address=ray_options.address,
                include_dashboard=False,
                log_to_driver=False,
                configure_logging=False,
            )
        self.cpus_per_replica = cpus_per_replica(self._ray, ray_options)
        self._actor_class = self._ray.remote(
            num_cpus=self.cpus_per_replica,
            num_gpus=ray_options.gpus_per_replica,
            max_restarts=0,  # the pool replaces dead actors itself, requeueing their batches
        )(_Replica)
        self.actors: list[Any] = []
        self._starting: dict[Any, int] = {}  # describe() ref of a replica still starting -> its slot
        self._ready: set[int] = set()
        try:
            self._check_resources()
            for slot in range(ray_options.replicas):
                self.actors.append(None)
                self._start(slot)
            info = self._first_ready()
        except BaseException:
            self.close()
            raise
        self.model_id, self._fingerprint, self.needs_audio = info.model_id, info.fingerprint, info.needs_audio

    def _check_resources(self) -> None:
        """Refuse replicas that no node of a cluster we started can ever hold (they would wait forever)."""
        total = self._ray.cluster_resources()
        wanted = {"GPU": self._settings.gpus_per_replica, "CPU": self.cpus_per_replica}
        flags = {"GPU": "--gpus-per-replica", "CPU": "--cpus-per-replica"}
        for resource, amount in wanted.items():
            have = float(total.get(resource, 0.0))
            if amount <= have:
                continue
            message = (
                f"--ray: {flags[resource]} {amount:g}: the Ray cluster has {have:g} {resource}(s) in all"
            )
            if self._owns_cluster:
                raise RunError(f"{message}; lower it, or join a larger cluster with --ray ADDRESS")
            print(f"isac: warning: {message}; replicas wait until it grows", file=sys.stderr)

    def _start(self, slot: int) -> None:
        actor = self._actor_class.remote(self._model, self._options, self._data_root)
        self.actors[slot] = actor
        self._ready.discard(slot)
        self._starting[actor.describe.remote()] = slot

    def _first_ready(self) -> ReplicaInfo:
        """Wait for the first replica that starts; a RunError naming the cause when none can."""
        failures: list[str] = []
        while self._starting:
            done, _ = self._ray.wait(list(self._starting), num_returns=1)
            slot = self._starting.pop(done[0])
            started = self._started(done[0])
            if isinstance(started, str):
                failures.append(started)
                continue
            self._ready.add(slot)
            for reason in failures:
                self._warn_not_started(reason)
            return started
        raise RunError(
            f"--ray: no replica of {self._model} could start ({len(failures)} tried): {failures[0]}"
        )

    def _started(self, ref: Any) -> ReplicaInfo | str:
        """A finished start: the replica's info, or why it failed (its own reason, or Ray's)."""
        try:
            started = self._ray.get(ref)
        except self._ray.exceptions.RayError as error:  # e.g. the process died while loading (OOM)
            return first_line(error)
        return started.reason if isinstance(started, ReplicaFailure) else started

    def _admit(self, ref: Any) -> None:
        """A replica finished starting: use it if it started cleanly and matches the first one."""
        slot = self._starting.pop(ref)
        info = self._started(ref)
        if isinstance(info, str):
            self._warn_not_started(info, slot)
            self._kill(self.actors[slot])
            return
        if info.fingerprint != self._fingerprint or info.needs_audio != self.needs_audio:
            print(
                f"isac: warning: --ray: replica {slot} is left out: its fingerprint differs from the first "
                f"replica's (e.g. other library versions on its node), so its answers would not be "
                f"comparable: {_difference(self._fingerprint, info.fingerprint)}",
                file=sys.stderr,
            )
            self._kill(self.actors[slot])
            return
        self._ready.add(slot)

    def _warn_not_started(self, reason: str, slot: int | None = None) -> None:
        which = "a replica" if slot is None else f"replica {slot}"
        print(f"isac: warning: --ray: {which} could not start and is left out: {reason}", file=sys.stderr)

    def fingerprint(self) -> dict[str, Any]:
        """The adapter's own fingerprint, as the first replica reports it (identical to a local run's)."""
        return self._fingerprint

    def check_ready(self) -> None:
        """The adapter's readiness check, run on one ready replica."""
        self._ray.get(self.actors[min(self._ready)].check_ready.remote())

    def generate(self, requests: list[GenerationRequest]) -> list[Generation]:
        """Not used by the engine, which calls run_batches."""
        raise RunError("RayReplicaPool answers whole batches through run_batches")

    def run_batches(self, batches: Iterable[list[Any]], write: _Write) -> None:
        """Run every batch on the ready replicas; `write(batch, generations)` runs here as each completes."""
        ray = self._ray
        queue: deque[list[Any]] = deque(batches)
        held: dict[Any, tuple[int, list[list[Any]]]] = {}  # object ref -> (actor slot, its batches)
        load = [0] * len(self.actors)
        seconds_per_batch: float | None = None

        def fill() -> None:
            for slot in sorted(self._ready):
                while queue and load[slot] < self._settings.in_flight:
                    slots = len(self._ready) * self._settings.in_flight
                    size = batches_per_call(seconds_per_batch, len(queue), slots)
                    group = [queue.popleft() for _ in range(size)]  # size <= len(queue)
                    held[self.actors[slot].run.remote(group)] = (slot, group)
                    load[slot] += 1
                    self.calls += 1

        try:
            fill()
            while held or (queue and self._starting):
                done, _ = ray.wait([*held, *self._starting], num_returns=1)
                ref = done[0]
                if ref in self._starting:
                    self._admit(ref)
                    fill()
                    continue
                slot, group = held.pop(ref)
                load[slot] -= 1
                try:
                    answers, seconds = ray.get(ref)
                except ray.exceptions.RayActorError as error:
                    self._replace(slot, held, load, queue, group, error)
                    fill()
                    continue
                # Smoothed: one slow call (a cold first batch, a busy node) does not set the size alone.
                previous = seconds if seconds_per_batch is None else seconds_per_batch
                seconds_per_batch = (previous + seconds) / 2
                fill()  # before writing, so the replica has its next call while the records are written
                for batch, generations in zip(group, answers, strict=True):
                    write(batch, generations)
            if queue:
                raise RunError(
                    f"--ray: no replica is left to run the remaining {len(queue)} batch(es); the rows "
                    "answered so far are kept, rerun to resume"
                )
        except KeyboardInterrupt:
            self._write_finished(held, write)
            raise

    def _replace(
        self,
        slot: int,
        held: dict[Any, tuple[int, list[list[Any]]]],
        load: list[int],
        queue: deque[list[Any]],
        group: list[list[Any]],
        error: BaseException,
    ) -> None:
        """The actor in `slot` died: requeue its batches (first) and start a new actor, within the bound."""
        others = [held.pop(ref)[1] for ref, (where, _) in list(held.items()) if where == slot]
        lost = [batch for call in (group, *others) for batch in call]
        for item in reversed(lost):
            queue.appendleft(item)
        load[slot] = 0
        self._ready.discard(slot)
        if self.restarts >= self._settings.max_restarts:
            raise RunError(
                f"--ray: replica {slot} died and the restart limit ({self._settings.max_restarts}) is spent "
                f"({first_line(error)}); the rows answered so far are kept, rerun to resume"
            )
        self.restarts += 1
        print(
            f"isac: warning: --ray: replica {slot} died ({first_line(error)}); {len(lost)} batch(es) "
            f"requeued, starting a new replica ({self.restarts}/{self._settings.max_restarts} restarts)",
            file=sys.stderr,
        )
        self._start(slot)

    def _write_finished(self, held: dict[Any, tuple[int, list[list[Any]]]], write: _Write) -> None:
        """After Ctrl-C: write the batches already answered; the rest run on resume."""
        ray = self._ray
        ready, _ = ray.wait(list(held), num_returns=len(held), timeout=0) if held else ([], [])
        for ref in ready:
            _slot, group = held.pop(ref)
            try:
                answers, _seconds = ray.get(ref)
            except ray.exceptions.RayError:
                continue
            for batch, generations in zip(group, answers, strict=True):
                write(batch, generations)

    def _kill(self, actor: Any) -> None:
        with contextlib.suppress(Exception):  # already dead
            self._ray.kill(actor)

    def close(self) -> None:
        """Stop the replicas (the cluster itself stays up when it was joined with an address)."""
        for actor in self.actors:
            if actor is not None:
                self._kill(actor)
        self.actors = []
        self._starting.clear()
        self._ready.clear()
        if self._owns_cluster and self._ray.is_initialized():
            self._ray.shutdown()


def _difference(first: dict[str, Any], other: dict[str, Any], prefix: str = "") -> str:
    """The first key whose value differs between two fingerprints, as `key: a vs b`."""
    for key in sorted(first.keys() | other.keys()):
        a, b = first.get(key), other.get(key)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            return _difference(a, b, f"{prefix}{key}.")
        return f"{prefix}{key}: {a!r} vs {b!r}"
    return "no key differs"
