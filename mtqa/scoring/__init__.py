"""Scoring: sacrebleu scorers, unit and segment scores, the calibrated quality, and unit labels."""
