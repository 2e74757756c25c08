"""``python -m bench``: see bench/run.py and the README's Benchmarks section."""

from bench.run import main

main()
