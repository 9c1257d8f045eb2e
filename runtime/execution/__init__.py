"""The execution stage behind `isac exec`: select rows, run a model adapter over them, log results."""
