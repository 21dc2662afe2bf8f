"""Knowledge files: kinds, layers, reading, merging, checking, caching."""
