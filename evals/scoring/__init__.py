"""Scoring: plan metrics (modality, node/edge/argument F1) and TaskBench's own definitions."""

