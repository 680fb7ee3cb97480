"""Grading: prompts, ShotJudge, replayed and recorded answers, the run engine, calibration.

Imports `data`, `numbers`, `views` and `calls`.
"""
