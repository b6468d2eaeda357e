"""CCHC warehouse: the quarterly public-administration-reform pipeline as a plain Python package."""

__version__ = "0.1.0"
