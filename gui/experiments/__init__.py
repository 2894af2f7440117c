"""Find and compare runs: the search panel and training plots."""
