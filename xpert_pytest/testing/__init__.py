"""Testing utilities shipped with the package: the loopback OpenAI-compatible server.
"""
