"""Training corpora from the same spec (paper §4.3): a training view of the spec (training-only pools and
training splits), a seeded SFT corpus whose targets the oracle's renderer writes, a disjointness check
against a test release, and exports to the layouts fine-tuning frameworks read."""
