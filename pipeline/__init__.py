"""Localization pipeline for patient-information articles.

The package is a library first; :mod:`pipeline.cli` is a thin command line over it.
"""

__version__ = "0.1.0"
