"""The terminal surface: the same command text as Slack, choices as numbered lists."""
