"""The command line's machinery behind `python bot.py …`: each module one subcommand's work
(ingest: discovery, a worker pool, progress and the summary table; reminders; export). Only
bot.py imports these; the bot itself never loads them."""
