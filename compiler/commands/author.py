"""`isac author`: grow a task's fragment pools with validated candidates, then merge the accepted ones.

    isac author TASK POOL --endpoint URL --model NAME [--count 20] [--temperature 0.9] [--seed 0]
    isac author TASK POOL --from-file FILE
    isac author accept TASK [--pool POOL] [--training]
    isac author report [--task TASK] [--pool POOL] [--json FILE] [--before FILE]

A round validates every candidate (`isac.compiler.authoring.validate`) and appends it, accepted or
rejected with the rules that refused it, to `tasks/<task>.candidates.jsonl` beside the task file. Nothing
is sent anywhere without `--endpoint`; the API key is read from `--api-key-env` and never written.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from isac.compiler import __version__
from isac.compiler.authoring.candidates import (
    Candidate,
    candidates_path,
    parse_candidates,
    read_candidates,
    round_id,
    write_candidates,
)
from isac.compiler.authoring.diversity import format_report, pool_diversity, spec_diversity
from isac.compiler.authoring.merge import append_to_pool
from isac.compiler.authoring.pools import (
    POOL_NAMES,
    check_pool_name,
    pool_fragments,
    pool_rules,
    training_key_path,
)
from isac.compiler.authoring.validate import PoolValidator
from isac.compiler.errors import IsacError
from isac.compiler.spec import load_spec
from isac.compiler.spec.models import Spec, TaskSpec
from isac.compiler.spec.templates import compile_templates

HELP = (
    "Propose fragments for a task's pool (from an OpenAI-compatible endpoint or a file), validate them "
    "into a reviewable candidates file, merge the accepted ones (accept), or report pool diversity."
)
USAGE = "TASK POOL (--endpoint URL --model NAME | --from-file FILE) | accept TASK [--pool POOL] | report"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Positional words (see module docstring) and the options of every form."""
    parser.add_argument("words", nargs="+", metavar="ARGS", help=USAGE)
    parser.add_argument("--spec", type=Path, default=Path("spec"), help="spec directory (default: spec/)")
    source = parser.add_argument_group("candidates from an endpoint (nothing is sent without --endpoint)")
    source.add_argument("--endpoint", help="OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1")
    source.add_argument("--model", help="model name the endpoint serves")
    source.add_argument("--count", type=int, default=20, help="candidates to ask for (default 20)")
    source.add_argument("--temperature", type=float, default=0.9, help="sampling temperature (0.9)")
    source.add_argument("--seed", type=int, default=0, help="seed sent with the request (default 0)")
    source.add_argument("--api-key-env", default="OPENAI_API_KEY", help="variable holding the API key")
    source.add_argument("--timeout", type=float, default=120.0, help="seconds per request (120)")
    source.add_argument("--retries", type=int, default=3, help="retries of a transient failure (3)")
    parser.add_argument("--from-file", type=Path, help="candidates from a file: a JSON array or one per line")
    parser.add_argument("--pool", action="append", default=[], help="accept/report: only this pool")
    parser.add_argument(
        "--training",
        action="store_true",
        help="accept: merge into the training-only twin of the pool (the task's `training:` block, used by "
        "`isac sft`, never by the test compile) instead of the test pool",
    )
    parser.add_argument("--task", action="append", default=[], help="report: only this task")
    parser.add_argument("--json", type=Path, help="also write the diversity report as JSON here")
    parser.add_argument("--before", type=Path, help="report: a earlier JSON report to compare with")


def run(args: argparse.Namespace) -> int:
    """Dispatch on the first positional word."""
    words = list(args.words)
    if words[0] == "accept":
        if len(words) != 2:
            raise IsacError(f"usage: isac author accept TASK [--pool POOL]; got {' '.join(words)}")
        return _accept(args, words[1])
    if words[0] == "report":
        if len(words) != 1:
            raise IsacError("usage: isac author report [--task TASK] [--pool POOL] [--json FILE]")
        return _report(args)
    if len(words) != 2:
        raise IsacError(f"usage: isac author {USAGE}; got {' '.join(words)}")
    return _propose(args, words[0], check_pool_name(words[1]))


def _task(spec: Spec, name: str) -> TaskSpec:
    if name not in spec.tasks:
        raise IsacError(f"unknown task {name!r}; the spec has {', '.join(spec.tasks)}")
    return spec.tasks[name]


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _propose(args: argparse.Namespace, task_name: str, pool: str) -> int:
    spec = load_spec(args.spec)
    task = _task(spec, task_name)
    if (args.endpoint is None) == (args.from_file is None):
        raise IsacError("give exactly one source: --endpoint URL --model NAME, or --from-file FILE")
    provenance: dict[str, Any]
    if args.from_file is not None:
        try:
            raw = args.from_file.read_bytes()
            texts = parse_candidates(raw.decode("utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise IsacError(f"{args.from_file}: cannot read candidates ({error})") from None
        provenance = {
            "source": "file",
            "file": args.from_file.name,
            "file_sha256": hashlib.sha256(raw).hexdigest(),
        }
    else:
        if not args.model:
            raise IsacError("--endpoint needs --model NAME (the model the endpoint serves)")
        if args.count < 1:
            raise IsacError(f"--count {args.count}: expected at least 1")
        from isac.compiler.authoring.client import ChatClient  # the HTTP client only when asked to send
        from isac.compiler.authoring.prompts import render_prompt

        prompt = render_prompt(args.spec, task, pool, args.count)
        client = ChatClient(
            args.endpoint, args.model, temperature=args.temperature, max_tokens=max(256, 80 * args.count),
            api_key_env=args.api_key_env, timeout_s=args.timeout, max_retries=args.retries,
        )  # fmt: skip
        texts = parse_candidates(client.ask(prompt.text, args.seed))[: args.count]
        provenance = {
            "source": "endpoint",
            "endpoint": client.base_url,
            "model": args.model,
            "prompt": prompt.template,
            "prompt_sha256": prompt.sha256,
            "temperature": args.temperature,
            "seed": args.seed,
        }
    provenance |= {"date": _now(), "isac_version": __version__}
    if not texts:
        raise IsacError(f"no candidates found in the {provenance['source']} reply")

    path = candidates_path(args.spec, task.file)
    existing = read_candidates(path)
    pending = [c.text for c in existing if c.pool == pool and c.status == "accepted"]
    validator = PoolValidator(task, pool)
    validator.add_accepted(pending)
    round_ = round_id(provenance, texts)
    new = []
    for text in texts:
        rejections = validator.check(text)
        status = "rejected" if rejections else "accepted"
        new.append(Candidate(pool, text, status, tuple(rejections), round_, provenance))
    write_candidates(path, [*existing, *new])

    accepted = sum(c.status == "accepted" for c in new)
    print(f"round {round_}: {len(new)} candidates for {task_name} {pool}: {accepted} accepted, "
          f"{len(new) - accepted} rejected -> {path}")  # fmt: skip
    for candidate in new:
        if candidate.rejections:
            rules = ", ".join(r.rule for r in candidate.rejections)
            print(f"  rejected [{rules}] {candidate.text!r}")
            for rejection in candidate.rejections:
                print(f"      {rejection.rule}: {rejection.reason}")
    print(f"review {path.name}, then: isac author accept {task_name} --pool {pool}")
    return 0


def _training_fragments(training: object, pool: str) -> tuple[str, ...]:
    node: object = training
    for key in training_key_path(pool)[1:]:
        node = getattr(node, key)
    return tuple(node)  # type: ignore[arg-type]


def _accept(args: argparse.Namespace, task_name: str) -> int:
    spec = load_spec(args.spec)
    task = _task(spec, task_name)
    pools = [check_pool_name(pool) for pool in args.pool] or list(POOL_NAMES)
    path = candidates_path(args.spec, task.file)
    candidates = read_candidates(path)
    chosen = {pool: [c for c in candidates if c.pool == pool and c.status == "accepted"] for pool in pools}
    if not any(chosen.values()):
        print(f"nothing to accept for {task_name} in {path}")
        return 0
    updated = {id(c): c for c in candidates}
    for pool, batch in chosen.items():
        if not batch:
            continue
        before = pool_diversity(pool_fragments(task, pool))
        # validated again against the pool as it is now (it may have changed since the round)
        validator = PoolValidator(task, pool)
        merged = []
        for candidate in batch:
            rejections = validator.check(candidate.text)
            if rejections:
                updated[id(candidate)] = candidate.with_status("rejected", rejections)
                print(f"  no longer valid [{', '.join(r.rule for r in rejections)}] {candidate.text!r}")
            else:
                merged.append(candidate)
        if not merged:
            continue
        # --training: the fragments were validated against the test pool (so none duplicates it) and go
        # to its training-only twin; the test manifests do not change.
        key_path = training_key_path(pool) if args.training else pool_rules(task, pool).key_path
        if args.training:
            if task.training is None:
                raise IsacError(
                    f"{task.file}: no `training:` block to merge into; add one (docs/spec-format.md)"
                )
            present = set(_training_fragments(task.training, pool))
            for candidate in [c for c in merged if c.text in present]:
                merged.remove(candidate)
                print(f"  already in the training pool {candidate.text!r}")
            if not merged:
                continue
        append_to_pool(args.spec / task.file, key_path, [c.text for c in merged])
        for candidate in merged:
            updated[id(candidate)] = candidate.with_status("merged")
        spec = load_spec(args.spec)  # the edited file must still load; the pool has grown
        task = spec.tasks[task_name]
        after = pool_diversity(pool_fragments(task, pool))
        if args.training:
            print(f"merged {len(merged)} into {task_name} training {pool} (the test pool is unchanged)")
            continue
        print(
            f"merged {len(merged)} into {task_name} {pool}: {before['count']} -> {after['count']} fragments"
        )
        print("\n".join(format_report({task_name: {pool: after}}, before={task_name: {pool: before}})))
    write_candidates(path, [updated[id(c)] for c in candidates])
    compile_templates(load_spec(args.spec))
    print(f"spec {args.spec} is valid; review the diff of {task.file} and commit it")
    return 0


def _report(args: argparse.Namespace) -> int:
    spec = load_spec(args.spec)
    for name in args.task:
        _task(spec, name)
    pools = [check_pool_name(pool) for pool in args.pool]
    report = spec_diversity(spec, args.task, pools)
    before = None
    if args.before is not None:
        try:
            before = json.loads(args.before.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise IsacError(
                f"{args.before}: expected a JSON report of isac author report ({error})"
            ) from None
    print("\n".join(format_report(report, before)))
    if args.json is not None:
        args.json.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")
    return 0
