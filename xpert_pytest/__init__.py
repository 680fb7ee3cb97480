"""XpertBench: expert-level tasks as pytest tests, graded by ShotJudge.

Importing this package stays cheap (no litellm, datasets, pandas or pyarrow): the pytest
plugin loads in every pytest run of anyone who has it installed.
"""

__version__ = "0.1.0"
