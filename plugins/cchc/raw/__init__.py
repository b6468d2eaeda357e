"""The raw layer: landing files registered by version and copied into `raw` as text, unchanged.

Readers (`cchc.sources`) turn a file into rows and know nothing of the database; this package writes
their rows, or a plain CSV's text straight through COPY, into the raw tables.
"""
