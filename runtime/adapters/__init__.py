"""Model adapters behind one interface, chosen by the model string's scheme."""
