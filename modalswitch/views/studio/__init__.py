"""The studio: `modalswitch view`, a full-screen terminal app over runs and evals (Textual).

Needs the `studio` extra (`pip install 'modalswitch[studio]'`); nothing here is imported
unless the command runs.
"""
