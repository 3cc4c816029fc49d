"""Reading input the way people write it: amounts, dates, names and keywords, per language.

Each module has one job (`amounts`, `dates`, `names`, `fold`, `ask`); `bot/parser.py`
keeps the command grammar (tokens, options) and re-exports the parsers.
"""
