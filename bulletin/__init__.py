"""Transboundary early-warning hydrology bulletin for the Syr Darya basin."""

__version__ = "0.1.0"
