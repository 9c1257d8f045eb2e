"""Reference fine-tuning on an `isac sft` corpus and the before/after analysis of what it changed."""
