"""Eval datasets: the native format, TaskBench, plan-only catalogs, and the shipped data."""

from modalswitch.evals.datasets.native import Case, Dataset, load_dataset

__all__ = ["Case", "Dataset", "load_dataset"]
