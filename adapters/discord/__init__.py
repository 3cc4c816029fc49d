"""Discord surface: application commands, buttons that survive restarts, modals, reminder DMs."""
from adapters.discord.service import configured, start

__all__ = ["configured", "start"]
