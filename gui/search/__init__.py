"""The experiment search panel: free text, filters, results that open and plot runs."""
