"""The `isa-v1` scoring profile: an exact reproduction of the official ISA-Bench v1 scorer.

Modules, read top to bottom: `vocabulary` (word lists, labels), `text` (string helpers),
`answer_only` and `s2tt_judge` (the "answer only" judges), `rules_d`/`rules_f`/`rules_n` (pure rule
functions per dimension), `results` (readers of official result files), `metrics` (WER, BLEU, ACC,
METEOR as the scripts compute them), `scoring` (per-variation tables), `collect` (a result directory
to merged metrics), `merged` (the merged file format and the shipped published data), `aggregate`
(class values, axes, RPS, area ratios), `leaderboard` (pooled and printed models) and `bridge`
(`isa_v1_check` for isac manifest rows). docs/isa-v1-profile.md lists every rule that differs from
the default profile.
"""
