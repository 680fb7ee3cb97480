"""What people read: prompt and report templates, the terminal summary, the HTML reports.

Imports `data` and `numbers`.
"""
