"""The ``refdesk`` command line. Server commands import ``refdesk.server`` lazily, inside the
command, so that the base package works without the ``server`` extra."""
