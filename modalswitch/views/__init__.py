"""Terminal views of runs and evals: live progress, the trace tree, the eval browser."""

