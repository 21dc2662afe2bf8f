"""Handouts: the handout view model, the clinic profile, the job runner and atomic file writes."""
