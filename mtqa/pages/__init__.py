"""Saved web pages as input: the article (title and body) extracted from a page's HTML."""
