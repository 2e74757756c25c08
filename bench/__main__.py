"""``python -m bench``: see bench/run.py and the README's Benchmarks section;
``python -m bench events``: bench/events.py."""

import sys

if sys.argv[1:2] == ["events"]:
    from bench.events import main as events

    events(sys.argv[2:])
else:
    from bench.run import main

    main()
