"""How long a test waits for what must happen — a reply, a process to start or end, a server to
listen: generous, because test machines are busy (at a load of 12 on 2 cores a `bot.py` start
took 20 s of wall time, and CI failed a terminal session at 60 s). A limit this long costs time
only when a test fails, never when it passes; what a test measures is never a wall-clock time."""

PATIENCE = 300.0  # seconds
