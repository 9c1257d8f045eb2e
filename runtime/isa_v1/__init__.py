"""ISA-Bench v1 compatibility: everything that knows the paper's files, names and scorer.

Nothing on isac's default paths (compile, exec, the default scoring profile) imports this package;
it is loaded only by the `isa-v1` profile, the `import-isa-v1`, `score-official` and `leaderboard`
commands, and `replay:` when given one of the paper's result files.

Modules, read top to bottom: `vocabulary` (label sets and word lists), `importer` and `import_cmd`
(the paper's instruction files to isac manifests), `rules/` (`judgement` with the official task and
variation names, `text` string helpers, `answer_only` and `s2tt_judge` the "answer only" judges, and the
pure rule functions per dimension `d`, `f`, `n`), `profile` (the `isa-v1` scoring profile:
`isa_v1_check` for isac manifest rows), `replay_files` (the paper's result files as replay input),
`results` (readers of official result files), `metrics` (WER, BLEU, ACC, METEOR as the scripts compute
them), `scoring` (per-variation tables), `collect` (a result directory to merged metrics), `merged`
(the merged file format and the shipped published data in `data/`), `export` (an isac database in
the merged format), `aggregate` (class values, axes, RPS, area ratios) and `leaderboard` (pooled and
printed models). docs/isa-v1-profile.md lists every rule that differs from the default profile.
"""
