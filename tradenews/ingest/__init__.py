"""Stage 1: raw files -> decoded text -> normalized Document with layout blocks."""
