"""The file browser: HDF5 and DL-JSON trees, attributes and dataset views."""
