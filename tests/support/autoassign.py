"""Shared data for the auto-assign tests: a tiny TUP instance in the benchmark's format."""

# A double round robin of 4 teams in the benchmark's format: 2 umpires, 6 rounds.
TINY = """
nTeams=4;

dist= [
[  0  10  20  30]
[ 10   0  40  50]
[ 20  40   0  60]
[ 30  50  60   0]
      ];

opponents=[
[ 2  -1   4  -3]
[ 3  -4  -1   2]
[ -4   3  -2   1]
[ -2   1  -4   3]
[ -3   4   1  -2]
[ 4  -3   2  -1]
          ];
"""

# Slot ids are round * 2 + k + 1, k the game's rank by home team. Umpire 1 visits venues
# 3, 1, 4, 2, 3, 1 and umpire 2 visits 1, 4, 2, 4, 2, 3: valid for q1 = 2, q2 = 1.
VALID = {1: (2, 3, 6, 7, 10, 11), 2: (1, 4, 5, 8, 9, 12)}
