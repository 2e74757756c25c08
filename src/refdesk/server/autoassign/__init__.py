"""Auto-assign (refdesk extension): fill a date range's vacant slots with CP-SAT, explain
every slot left empty, and measure it (``python -m bench autoassign``).

:mod:`.instance` is the boundary: plain frozen data in, a plain proposal out. The solver
modules (:mod:`.rules`, :mod:`.solver`, :mod:`.greedy`, :mod:`.bound`) import nothing from the
ORM, HTTP or the rest of the server, so they can be tested and benchmarked alone.
"""
