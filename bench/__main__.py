"""``python -m bench``: see bench/run.py and the README's Benchmarks section;
``python -m bench events``: bench/events.py; ``python -m bench board``: bench/board.py;
``python -m bench autoassign``: bench/autoassign.py."""

import sys

if sys.argv[1:2] == ["events"]:
    from bench.events import main as events

    events(sys.argv[2:])
elif sys.argv[1:2] == ["autoassign"]:
    from bench.autoassign import main as autoassign

    autoassign(sys.argv[2:])
elif sys.argv[1:2] == ["board"]:
    from bench.board import main as board

    board(sys.argv[2:])
else:
    from bench.run import main

    main()
