"""Segmentation: a news text split into sentences with exact offsets, debris marked, text normalised."""
