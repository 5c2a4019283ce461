"""Find which story of an archive a copy renders: an index of the archive, retrieval, and verification by alignment."""
