"""Training plots of many runs: smoothing, envelopes, live refresh, summary table."""
