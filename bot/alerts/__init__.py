"""Redflag speaks first: pattern alerts about a client, and a weekly digest.

`rules.py` the pure rules and thresholds, `check.py` the check after a write,
`render.py` the DMs, `deliver.py` their place on the reminder sweep,
`actions.py` the buttons, `settings.py` `/redflag settings alerts= digest=`.
"""
