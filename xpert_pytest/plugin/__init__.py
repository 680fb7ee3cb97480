"""The pytest face: hooks, collection, the run session, settings, xdist distribution.

The registered plugin is `hooks`; it stays light at import and loads the rest on use.
"""
