"""Dataset adapters: index the standard local distributions under a data root."""
