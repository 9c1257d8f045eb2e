"""Shared machinery of the transformers adapters: device and dtype, decoding settings, batched
generation with left padding, token accounting and per-row error isolation.

A family module subclasses `HFAdapter` and supplies the model class, how to load the processor and
how to turn one instruction into a prompt with the family's audio placeholder. Everything else (audio
loading, batching, `generate`, decoding only the new tokens, fingerprint) lives here.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from isac.compiler.errors import RunError
from isac.runtime.adapters.base import AdapterOptions, Generation, GenerationRequest
from isac.runtime.adapters.hf.checkpoint import CheckpointRef, checkpoint_revision
from isac.runtime.audio import AudioError, load_audio

DTYPES = ("auto", "float32", "bfloat16", "float16")


def resolve_device(name: str) -> str:
    """`auto` becomes `cuda` when a GPU is visible, else `cpu`; other names pass through checked."""
    import torch

    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    try:
        device = torch.device(name)
    except RuntimeError as error:
        raise RunError(
            f"--device {name!r}: not a torch device (expected auto, cpu, cuda, cuda:N, mps)"
        ) from error
    if device.type == "cuda" and not torch.cuda.is_available():
        raise RunError(f"--device {name!r}: CUDA is not available on this machine")
    return str(device)


def resolve_dtype(name: str, device: str) -> Any:
    """The torch dtype for `name`; `auto` is bfloat16 on a GPU that supports it, float16 on other
    GPUs and float32 on a CPU (half precision on a CPU is slow and often unsupported)."""
    import torch

    if name not in DTYPES:
        raise RunError(f"--dtype {name!r}: expected one of {', '.join(DTYPES)}")
    if name != "auto":
        return getattr(torch, name)
    if device.startswith("cuda"):
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.float32


@dataclass(frozen=True)
class DecodeSettings:
    """How tokens are chosen: greedy when temperature is 0, sampling otherwise."""

    max_new_tokens: int
    temperature: float

    @property
    def do_sample(self) -> bool:
        """Sampling is used exactly when a positive temperature is asked for."""
        return self.temperature > 0

    def generation_config(self, base: Any) -> Any:
        """A copy of the checkpoint's GenerationConfig with these settings applied.

        Greedy decoding clears the checkpoint's sampling knobs so they neither apply nor warn; sampling
        keeps its top_p/top_k, which then belong to the fingerprint.
        """
        config = copy.deepcopy(base)
        config.max_new_tokens = self.max_new_tokens
        config.num_beams = 1
        config.do_sample = self.do_sample
        if self.do_sample:
            config.temperature = self.temperature
        else:
            config.temperature = None
            config.top_p = None
            config.top_k = None
        return config


def generation_fingerprint(config: Any) -> dict[str, Any]:
    """The decoding settings that change outputs, as recorded in run.json."""
    settings: dict[str, Any] = {
        "max_new_tokens": config.max_new_tokens,
        "do_sample": bool(config.do_sample),
        "temperature": config.temperature if config.do_sample else 0.0,
        "num_beams": config.num_beams,
    }
    if config.do_sample:
        settings["top_p"] = config.top_p
        settings["top_k"] = config.top_k
    if config.repetition_penalty not in (None, 1.0):
        settings["repetition_penalty"] = config.repetition_penalty
    return settings


@dataclass(frozen=True)
class _ReadyRow:
    """A request whose audio loaded: its position in the batch and its samples."""

    index: int
    request: GenerationRequest
    samples: np.ndarray


@dataclass(frozen=True)
class Prepared:
    """A batch made ready on the CPU by `HFAdapter.prepare`, waiting for `generate_prepared`.

    `errors` holds the rows whose audio could not be read (by batch position); `ready` the others. The
    batch's processor output is `inputs`, or `encode_error` when encoding the whole batch raised (the
    rows are then retried one by one at generation time, as a failing batch always is).
    """

    size: int
    errors: dict[int, Generation]
    ready: tuple[_ReadyRow, ...]
    inputs: Any = None
    encode_error: Exception | None = None
    encode_s: float = 0.0


class HFAdapter:
    """Base of the transformers adapters; subclasses fill in the family hooks below."""

    family: ClassVar[str] = ""  # the adapter name recorded in fingerprints, e.g. "hf-qwen2-audio"

    def __init__(self, model_path: str, checkpoint: CheckpointRef, options: AdapterOptions) -> None:
        from transformers import GenerationConfig

        self.model_id = f"hf:{model_path}"
        self.checkpoint = checkpoint
        self.options = options
        self.extra = dict(options.extra)
        if options.max_new_tokens <= 0:
            raise RunError(f"{self.model_id}: max_new_tokens must be positive, got {options.max_new_tokens}")
        self.device = resolve_device(options.device)
        # Prefetching the next batch's audio and features overlaps them with generation on a GPU; on a
        # CPU the model already uses every core and the helper thread halves throughput (measured 2x
        # slower in benchmarks/bench_exec_overhead.py on 2 cores), so the engine then runs batches inline.
        self.prefetch_helps = not self.device.startswith("cpu")
        self.dtype = resolve_dtype(options.dtype, self.device)
        try:
            base_config = GenerationConfig.from_pretrained(checkpoint.source)
        except OSError:  # checkpoints without generation_config.json decode with library defaults
            base_config = GenerationConfig()
        self.decode = DecodeSettings(options.max_new_tokens, options.temperature)
        self.generation_config = self.decode.generation_config(base_config)
        self._apply_generation_args(dict(options.generation_args))
        # -M arguments: keyword arguments of the model's from_pretrained (the families pass them on)
        self.model_kwargs: dict[str, Any] = dict(options.model_args)
        self.model: Any = None
        self.processor: Any = None
        self._revision: str | None = None
        self._revision_known = False
        # One model serves one batch at a time: `isac exec --concurrency N` may call from N threads,
        # and concurrent generate calls on one model gain nothing and can exhaust GPU memory.
        self._lock = threading.Lock()
        # Loading has its own lock: the engine's prefetch thread (`prepare`) and the main thread
        # (`generate_prepared`) may both be first to need the model.
        self._load_lock = threading.Lock()
        # A fast tokenizer refuses concurrent use while one call changes its padding settings
        # ("Already borrowed"), so encoding (prefetch thread) and decoding (generating thread) take turns.
        self._processor_lock = threading.Lock()

    def _apply_generation_args(self, arguments: dict[str, Any]) -> None:
        """-G arguments: system_prompt and seed are the adapter's own; others set GenerationConfig fields."""
        from transformers import GenerationConfig

        for own in ("system_prompt", "seed"):
            if own in arguments:
                self.extra[own] = arguments.pop(own)
        known = GenerationConfig().to_dict()
        for key, value in arguments.items():
            if key not in known:
                raise RunError(
                    f"{self.model_id}: -G {key}: not a transformers GenerationConfig field "
                    "(nor system_prompt or seed)"
                )
            setattr(self.generation_config, key, value)

    def processor_kwargs(self) -> dict[str, Any]:
        """The -M arguments that also concern the processor (remote code, revision)."""
        return {
            key: value for key, value in self.model_kwargs.items() if key in ("trust_remote_code", "revision")
        }

    def load_processor(self) -> Any:
        """The checkpoint's processor; a processor whose image/video parts need torchvision says so."""
        from transformers import AutoProcessor

        try:
            return AutoProcessor.from_pretrained(self.checkpoint.source, **self.processor_kwargs())
        except ImportError as error:
            raise RunError(
                f"{self.model_id}: the {self.family} processor cannot be loaded ({error}); its image and "
                "video processors need a torchvision build matching your torch"
            ) from error

    # --- family hooks -------------------------------------------------------------------------------

    def load_model(self) -> tuple[Any, Any]:
        """Load and return (model, processor) for `self.checkpoint.source`."""
        raise NotImplementedError

    def build_prompt(self, instruction: str) -> str:
        """The full prompt text for one row: chat template, audio placeholder and instruction."""
        raise NotImplementedError

    def encode(self, prompts: list[str], audios: list[np.ndarray]) -> Any:
        """Tokenise prompts and featurise audio into one left-padded batch."""
        return self.processor(
            text=prompts,
            audio=audios,
            sampling_rate=self.sampling_rate,
            return_tensors="pt",
            padding=True,
        )

    @property
    def sampling_rate(self) -> int:
        """The audio rate the processor's feature extractor expects."""
        return int(self.processor.feature_extractor.sampling_rate)

    # --- lifecycle ----------------------------------------------------------------------------------

    def load(self) -> None:
        """Load weights and processor now (otherwise the first `generate` or `prepare` does); thread-safe."""
        if self.model is not None:
            return
        with self._load_lock:
            if self.model is None:
                self._load_unlocked()

    def _load_unlocked(self) -> None:
        import torch

        if self.decode.do_sample:
            torch.manual_seed(int(self.extra.get("seed", 0)))
        model, processor = self.load_model()
        tokenizer = getattr(processor, "tokenizer", processor)
        # Left padding keeps every prompt's last token at the end of the batch, where generation starts.
        tokenizer.padding_side = "left"
        if tokenizer.pad_token_id is None:
            tokenizer.pad_token = tokenizer.eos_token
        if self.generation_config.pad_token_id is None:
            self.generation_config.pad_token_id = tokenizer.pad_token_id
        # The processor first: another thread takes a set `model` to mean loading is complete.
        self.processor = processor
        self.model = model.eval()

    def close(self) -> None:
        """Drop the model so its (GPU) memory can be reclaimed."""
        self.model = None
        self.processor = None
        try:
            import torch

            if torch.cuda.is_available():
                torch.cuda.empty_cache()
        except ImportError:
            pass

    def fingerprint(self) -> dict[str, Any]:
        """Adapter, weights, revision, decoding settings and library versions."""
        import torch
        import transformers

        if not self._revision_known:
            self._revision = checkpoint_revision(self.checkpoint.local_dir)
            self._revision_known = True
        return {
            "model_id": self.model_id,
            "adapter": self.family,
            "weights": self.checkpoint.source,
            "revision": self._revision,
            "generation": generation_fingerprint(self.generation_config),
            "libraries": {"torch": torch.__version__, "transformers": transformers.__version__},
        }

    # --- generation ---------------------------------------------------------------------------------

    def generate(self, requests: list[GenerationRequest]) -> list[Generation]:
        """One Generation per request, in order; unreadable audio and failed rows become errors."""
        return self.generate_prepared(self.prepare(requests))

    def prepare(self, requests: list[GenerationRequest]) -> Prepared:
        """The CPU half of a batch: read and resample the audio, build prompts, run the processor.

        Safe to call from another thread while `generate_prepared` runs (the engine prefetches the next
        batch this way). Unreadable audio becomes that row's error; an encoding failure is kept in the
        result, not raised, so `generate_prepared` can isolate the failing row.
        """
        self.load()
        errors: dict[int, Generation] = {}
        ready: list[_ReadyRow] = []
        for index, request in enumerate(requests):
            try:
                ready.append(_ReadyRow(index, request, load_audio(request.audio_path, self.sampling_rate)))
            except AudioError as error:
                errors[index] = Generation(response=None, error=str(error))
        if not ready:
            return Prepared(len(requests), errors, ())
        started = time.perf_counter()
        try:
            inputs = self._encode_rows(ready)
        # Shape or feature errors on odd audio are recorded, and the rows retried one by one later.
        except Exception as error:
            return Prepared(len(requests), errors, tuple(ready), encode_error=error)
        return Prepared(len(requests), errors, tuple(ready), inputs, encode_s=time.perf_counter() - started)

    def generate_prepared(self, prepared: Prepared) -> list[Generation]:
        """The device half: generate and decode a prepared batch; one Generation per request, in order.

        If the batch failed to encode or fails to generate, its rows are rerun one by one so one bad row
        cannot sink the rest.
        """
        with self._lock:
            self.load()
            results: list[Generation | None] = [prepared.errors.get(index) for index in range(prepared.size)]
            if prepared.ready:
                generations = self._generate_ready(prepared)
                for row, generation in zip(prepared.ready, generations, strict=True):
                    results[row.index] = generation
            return [generation for generation in results if generation is not None]

    def _generate_ready(self, prepared: Prepared) -> list[Generation]:
        rows = prepared.ready
        try:
            if prepared.encode_error is not None:
                raise prepared.encode_error
            return self._generate_encoded(prepared.inputs, prepared.encode_s)
        except Exception as error:
            return self._after_batch_failure(rows, error)

    def _generate_isolating_failures(self, rows: Sequence[_ReadyRow]) -> list[Generation]:
        """Run the batch; if it fails, rerun its rows one by one so one bad row cannot sink the rest."""
        try:
            started = time.perf_counter()
            inputs = self._encode_rows(rows)
            return self._generate_encoded(inputs, time.perf_counter() - started)
        except Exception as error:
            return self._after_batch_failure(rows, error)

    def _after_batch_failure(self, rows: Sequence[_ReadyRow], error: Exception) -> list[Generation]:
        # Anything raised inside processor or generate (shape errors on odd audio, CUDA out of
        # memory on a long batch) is recorded against the rows, so a run keeps going and
        # `--retry-errors` can redo them later.
        if len(rows) == 1:
            return [Generation(response=None, error=f"generation failed: {type(error).__name__}: {error}")]
        self._release_cached_memory()
        return [generation for row in rows for generation in self._generate_isolating_failures([row])]

    def _encode_rows(self, rows: Sequence[_ReadyRow]) -> Any:
        with self._processor_lock:
            prompts = [self.build_prompt(row.request.row.instruction) for row in rows]
            return self.encode(prompts, [row.samples for row in rows])

    def _generate_encoded(self, inputs: Any, encode_s: float) -> list[Generation]:
        """Generate from processor output; a row's latency is its batch's encode plus generate time."""
        import torch

        started = time.perf_counter()
        # Only floating tensors (audio features) take the model dtype; ids and masks stay integer.
        inputs = inputs.to(self.device, dtype=self.dtype) if hasattr(inputs, "to") else inputs
        with torch.inference_mode():
            output = self.model.generate(**inputs, generation_config=self.generation_config)
        prompt_length = inputs["input_ids"].shape[1]
        new_tokens = output[:, prompt_length:].cpu()
        with self._processor_lock:
            texts = self.processor.batch_decode(new_tokens, skip_special_tokens=True)
        prompt_counts = inputs["attention_mask"].sum(dim=1).tolist()
        latency = encode_s + time.perf_counter() - started
        stop_ids = self._stop_token_ids()
        return [
            Generation(
                response=text.strip(),
                latency_s=latency,
                prompt_tokens=int(prompt_count),
                completion_tokens=completion_length(tokens.tolist(), stop_ids),
            )
            for text, tokens, prompt_count in zip(texts, new_tokens, prompt_counts, strict=True)
        ]

    def _stop_token_ids(self) -> frozenset[int]:
        eos = self.generation_config.eos_token_id
        if eos is None:
            eos = getattr(self.processor, "tokenizer", self.processor).eos_token_id
        if eos is None:
            return frozenset()
        return frozenset(eos) if isinstance(eos, list | tuple) else frozenset({int(eos)})

    def _release_cached_memory(self) -> None:
        import torch

        if torch.cuda.is_available():
            torch.cuda.empty_cache()


def completion_length(tokens: Sequence[int], stop_ids: frozenset[int]) -> int:
    """Generated tokens up to and including the first stop token (later ones are batch padding)."""
    for position, token in enumerate(tokens):
        if token in stop_ids:
            return position + 1
    return len(tokens)
