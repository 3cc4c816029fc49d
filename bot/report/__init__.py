"""`/client report`: every client ranked by trouble against the revenue they bring.

`pareto.py` the pure ranking, `chart.py` the PNG, `text.py` the words and
numbers in the user's language; the handler is `bot/commands/client_report.py`.
"""
