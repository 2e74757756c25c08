"""``python -m refdesk.cli`` — the same as the ``refdesk`` console script."""

from refdesk.cli.main import app

# The guard matters: ``serve --workers N`` spawns processes that re-import this module.
if __name__ == "__main__":
    app(prog_name="refdesk")
