"""Pictures for the terminal: the plan DAG in box characters, histograms, the modality flow."""
