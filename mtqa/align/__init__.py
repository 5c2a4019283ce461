"""Alignment: similarity matrices of two documents, and the non-monotone aligner over them."""
