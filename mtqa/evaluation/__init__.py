"""Evaluation against people: agreement statistics, human judgement files, gold alignments and flags."""
