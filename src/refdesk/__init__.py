"""refdesk: a self-hostable officials-assigning server that speaks the Assignr API v2."""

__version__ = "0.1.0"
