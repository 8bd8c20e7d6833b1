"""Running evals: cases through a planner (and the executor), results on disk."""

from modalswitch.evals.runner.run import EvalRun, run_eval

__all__ = ["EvalRun", "run_eval"]
