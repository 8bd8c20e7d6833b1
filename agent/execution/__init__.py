"""Execution: the DAG executor and the step cache."""

from modalswitch.agent.execution.cache import StepCache
from modalswitch.agent.execution.executor import ExecutionPolicy, Executor, StepResult

__all__ = ["ExecutionPolicy", "Executor", "StepCache", "StepResult"]
