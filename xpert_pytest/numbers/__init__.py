"""Numbers from graded runs: scores, results records, intervals, aggregates, analysis, gates.

Imports only `data`.
"""
