"""The refdesk server (needs the ``server`` extra)."""
