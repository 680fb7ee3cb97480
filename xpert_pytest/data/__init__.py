"""The benchmark's data: vocabulary, records, loading, publishing, content rules, statistics.

The bottom layer: it imports nothing else of the package.
"""
