"""Model calls: the litellm gateway, the answer cache, the concurrency limiter, the budget.

Imports only `data`.
"""
