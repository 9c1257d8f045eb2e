"""Authoring: grow a task's fragment pools with candidates from an LLM endpoint or a file, validated.

pools       which pools can be authored, their YAML keys, placeholders and length bands
similarity  the normalisation and character n-gram similarity used for near-duplicates and reports
validate    the named rules every candidate must pass
candidates  the reviewable candidates file beside a task file, with provenance
prompts     the prompt templates of spec/authoring/, rendered sandboxed and recorded by hash
client      the chat request to an OpenAI-compatible endpoint (the `openai:` adapter's client)
merge       `isac author accept`: appending accepted fragments to the pool in the task YAML
diversity   per-pool diversity statistics (n-gram ratios, pairwise similarity, lengths)
"""
