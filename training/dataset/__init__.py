"""The modality-switching dataset generator: tasks, phrasings and vocabularies."""

