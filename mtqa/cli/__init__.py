"""The mtqa command line: one module per command group, shared options and error handling in common."""
