"""Robustness tests (issue 8): one module per class of fault, with real broken files as fixtures."""
