"""Desired versus live: diff, risk, the plan and applying it."""
