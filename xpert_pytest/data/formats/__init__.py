"""Benchmark formats: XpertBench's own and importers of published rubric benchmarks.

`registry` selects one from `FORMAT:PATH_OR_HUB_ID`; each importer reads the files exactly as
their publishers released them and maps every record to our `Task`, with a taxonomy and a
scoring rule of its own. No data is bundled: they read a user's copy or a Hub id.
"""
