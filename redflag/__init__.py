"""The `redflag` program: the entry point that starts the core (`bot/`) with its surfaces (`adapters/`)."""
