"""`isac exec --ray`: N Ray actors each hold one adapter; the driver dispatches batches and writes records.

The driver (the `isac exec` process) stays the single writer of the append-only log: actors only answer
batches and send Generations back, so resume, `--retry-errors`, fingerprints and kill -9 safety are those
of a local run. Batches are handed out dynamically: each replica keeps `in_flight` batches queued, and a
replica that finishes gets the next batch, so a slow GPU or node takes fewer. When an actor dies (node
lost, OOM, `ray.kill`), the batches it held go back to the front of the queue and a new actor replaces
it, at most `max_restarts` times in the whole run; past that the run stops with the rows written so far
kept (rerun to resume).

Ray is an optional extra (`pip install 'isac[ray]'`); it is imported only when `--ray` is given.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from isac.compiler.errors import RunError
from isac.runtime.adapters.base import AdapterOptions, Generation, GenerationRequest

DEFAULT_MAX_RESTARTS = 3
_Write = Callable[[Sequence[Any], Sequence[Generation]], None]


@dataclass(frozen=True)
class RayOptions:
    """How to place the replicas. `address` None starts a local cluster; "auto" joins a running one."""

    address: str | None = None
    replicas: int = 1
    gpus_per_replica: float = 0.0
    cpus_per_replica: float = 1.0
    max_restarts: int = DEFAULT_MAX_RESTARTS
    in_flight: int = 2  # batches queued per replica, so it never waits for the driver between batches


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


class _Replica:
    """The actor body: builds one adapter from the model string and answers batches with it."""

    def __init__(self, model: str, options: AdapterOptions, data_root: str) -> None:
        from isac.runtime.adapters.registry import build_adapter

        self.adapter = build_adapter(model, options)
        self.data_root = Path(data_root)
        self.needs_audio = bool(getattr(self.adapter, "needs_audio", True))

    def describe(self) -> tuple[str, dict[str, Any], bool]:
        """model_id, fingerprint and needs_audio of the adapter (the driver builds no model itself)."""
        return self.adapter.model_id, self.adapter.fingerprint(), self.needs_audio

    def check_ready(self) -> None:
        check = getattr(self.adapter, "check_ready", None)
        if callable(check):
            check()

    def run(self, batch: list[Any]) -> list[Generation]:
        from isac.runtime.execution.engine import generate_batch

        return generate_batch(self.adapter, batch, data_root=self.data_root, needs_audio=self.needs_audio)

    def close(self) -> None:
        self.adapter.close()


class RayReplicaPool:
    """A ModelAdapter whose batches run on Ray actors; the engine calls `run_batches` instead of generate."""

    def __init__(self, model: str, options: AdapterOptions, ray_options: RayOptions, data_root: Path) -> None:
        if ray_options.replicas < 1:
            raise RunError(f"--replicas {ray_options.replicas}: expected at least 1")
        if ray_options.gpus_per_replica < 0 or ray_options.cpus_per_replica < 0:
            raise RunError("--gpus-per-replica and --cpus-per-replica: expected 0 or more")
        self._ray = import_ray()
        self._model = model
        self._options = options
        self._settings = ray_options
        self._data_root = str(data_root)
        self.restarts = 0
        self._owns_cluster = not self._ray.is_initialized()
        if self._owns_cluster:
            self._ray.init(
                address=ray_options.address,
                include_dashboard=False,
                log_to_driver=False,
                configure_logging=False,
            )
        self._actor_class = self._ray.remote(
            num_cpus=ray_options.cpus_per_replica,
            num_gpus=ray_options.gpus_per_replica,
            max_restarts=0,  # the pool replaces dead actors itself, requeueing their batches
        )(_Replica)
        self.actors = [self._start() for _ in range(ray_options.replicas)]
        try:
            described = self._ray.get(self.actors[0].describe.remote())
        except self._ray.exceptions.RayError as error:
            self.close()
            raise RunError(
                f"--ray: the first replica of {model} could not start: {_first_line(error)}"
            ) from None
        self.model_id, self._fingerprint, self.needs_audio = described

    def _start(self) -> Any:
        return self._actor_class.remote(self._model, self._options, self._data_root)

    def fingerprint(self) -> dict[str, Any]:
        """The adapter's own fingerprint, as the first replica reports it (identical to a local run's)."""
        return self._fingerprint

    def check_ready(self) -> None:
        """The adapter's readiness check, run on one replica."""
        self._ray.get(self.actors[0].check_ready.remote())

    def generate(self, requests: list[GenerationRequest]) -> list[Generation]:
        """Not used by the engine (it calls run_batches); answers on the first replica for completeness."""
        raise RunError("RayReplicaPool answers whole batches through run_batches")

    def run_batches(self, batches: Iterable[list[Any]], write: _Write) -> None:
        """Run every batch on the replicas, calling `write(batch, generations)` here as each completes."""
        ray = self._ray
        queue: deque[list[Any]] = deque(batches)
        held: dict[Any, tuple[int, list[Any]]] = {}  # object ref -> (actor slot, batch)
        load = [0] * len(self.actors)

        def fill() -> None:
            for slot in range(len(self.actors)):
                while queue and load[slot] < self._settings.in_flight:
                    batch = queue.popleft()
                    held[self.actors[slot].run.remote(batch)] = (slot, batch)
                    load[slot] += 1

        try:
            fill()
            while held:
                done, _ = ray.wait(list(held), num_returns=1)
                for ref in done:
                    slot, batch = held.pop(ref)
                    load[slot] -= 1
                    try:
                        generations = ray.get(ref)
                    except ray.exceptions.RayActorError as error:
                        self._replace(slot, held, load, queue, batch, error)
                        continue
                    write(batch, generations)
                fill()
        except KeyboardInterrupt:
            self._write_finished(held, write)
            raise

    def _replace(
        self,
        slot: int,
        held: dict[Any, tuple[int, list[Any]]],
        load: list[int],
        queue: deque[list[Any]],
        batch: list[Any],
        error: BaseException,
    ) -> None:
        """The actor in `slot` died: requeue its batches (first) and start a new actor, within the bound."""
        lost = [batch] + [held.pop(ref)[1] for ref, (where, _) in list(held.items()) if where == slot]
        for item in reversed(lost):
            queue.appendleft(item)
        load[slot] = 0
        if self.restarts >= self._settings.max_restarts:
            raise RunError(
                f"--ray: replica {slot} died and the restart limit ({self._settings.max_restarts}) is spent "
                f"({_first_line(error)}); the rows answered so far are kept, rerun to resume"
            )
        self.restarts += 1
        print(
            f"isac: warning: --ray: replica {slot} died ({_first_line(error)}); {len(lost)} batch(es) "
            f"requeued, starting a new replica ({self.restarts}/{self._settings.max_restarts} restarts)",
            file=sys.stderr,
        )
        self.actors[slot] = self._start()

    def _write_finished(self, held: dict[Any, tuple[int, list[Any]]], write: _Write) -> None:
        """After Ctrl-C: write the batches already answered; the rest run on resume."""
        ray = self._ray
        ready, _ = ray.wait(list(held), num_returns=len(held), timeout=0) if held else ([], [])
        for ref in ready:
            _slot, batch = held.pop(ref)
            try:
                write(batch, ray.get(ref))
            except ray.exceptions.RayError:
                continue

    def close(self) -> None:
        """Stop the replicas (the cluster itself stays up when it was joined with an address)."""
        for actor in self.actors:
            try:
                self._ray.kill(actor)
            except Exception:  # already dead
                continue
        self.actors = []
        if self._owns_cluster and self._ray.is_initialized():
            self._ray.shutdown()


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:300] if text else type(error).__name__
