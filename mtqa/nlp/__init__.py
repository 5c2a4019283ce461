"""Language helpers for the detectors: the spaCy parse, English share, word frequencies, names, quantities, facts."""
