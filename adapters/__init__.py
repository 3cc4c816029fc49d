"""Surfaces: each adapter turns platform payloads into core events and replies into its own UI."""
