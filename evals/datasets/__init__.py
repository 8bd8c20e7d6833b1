"""Eval datasets: the case model, the native format, TaskBench, plan-only catalogs, shipped data."""

from modalswitch.evals.datasets.load import load_dataset
from modalswitch.evals.datasets.model import Case, Dataset

__all__ = ["Case", "Dataset", "load_dataset"]
