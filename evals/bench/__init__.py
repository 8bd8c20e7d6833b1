"""Benchmarks (numbers, not tests): executor overhead, planner speed, the planner dev loop,
demo media.
"""

