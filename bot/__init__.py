"""Redflag's platform-free core: commands in, neutral replies out."""
