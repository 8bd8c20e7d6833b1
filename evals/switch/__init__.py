"""The modality-switching dataset: tasks, phrasings and vocabularies (see evals.switch_data)."""
