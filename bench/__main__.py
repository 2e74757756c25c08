"""``python -m bench``: see bench/run.py and the README's Benchmarks section;
``python -m bench events``: bench/events.py; ``python -m bench board``: bench/board.py;
``python -m bench tokens``: bench/tokens.py; ``python -m bench writes``: bench/writes.py;
``python -m bench profile``: bench/profile.py;
``python -m bench autoassign``: bench/autoassign.py;
``python -m bench solve-lag``: bench/solve_lag.py;
``python -m bench ab``: bench/ab.py (before/after a change, alternated);
``python -m bench live-profile``: bench/live_profile.py (py-spy under wrk)."""

import sys

if sys.argv[1:2] == ["events"]:
    from bench.events import main as events

    events(sys.argv[2:])
elif sys.argv[1:2] == ["tokens"]:
    from bench.tokens import main as tokens

    tokens(sys.argv[2:])
elif sys.argv[1:2] == ["writes"]:
    from bench.writes import main as writes

    writes(sys.argv[2:])
elif sys.argv[1:2] == ["profile"]:
    from bench.profile import main as profile

    profile(sys.argv[2:])
elif sys.argv[1:2] == ["autoassign"]:
    from bench.autoassign import main as autoassign

    autoassign(sys.argv[2:])
elif sys.argv[1:2] == ["solve-lag"]:
    from bench.solve_lag import main as solve_lag

    solve_lag(sys.argv[2:])
elif sys.argv[1:2] == ["ab"]:
    from bench.ab import main as ab

    ab(sys.argv[2:])
elif sys.argv[1:2] == ["live-profile"]:
    from bench.live_profile import main as live_profile

    live_profile(sys.argv[2:])
elif sys.argv[1:2] == ["board"]:
    from bench.board import main as board

    board(sys.argv[2:])
else:
    from bench.run import main

    main()
