"""Overdue-invoice reminders ("nudges"): the ladder, the sweep, the DM, the scheduler.

`policy` decides (pure), `sweep` claims and delivers, `render`/`texts` word
the DM, `scheduler` runs the sweep in the bot process, `cli` is the
operator's `redflag nudges run|preview`.
"""
