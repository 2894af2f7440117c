"""The Compare view of the Experiments tab: table, parallel axes, scatter, importance, diff."""
