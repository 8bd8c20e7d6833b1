"""Reports: metric tables, compare, the HTML report, the TaskBench leaderboard, the switching
report.
"""

