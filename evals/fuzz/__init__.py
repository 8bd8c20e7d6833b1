"""Fuzzing the boundary: generated plans and mutated media files, every promise checked.

Needs hypothesis (the `dev` extra). `modalswitch fuzz` runs the long version and
docs/reliability.md records its figures; tests/evals/test_fuzz.py runs a short one.
"""
