"""Question understanding: short informal Chinese questions → figures with provenance.

Pure: imports neither telegram nor the database; a `ReportSource` is passed in.
"""

from query.answer import Answer, AnswerItem, ChartSpec, Choice, Provenance
from query.asker import Asker

__all__ = ["Answer", "AnswerItem", "Asker", "ChartSpec", "Choice", "Provenance"]
