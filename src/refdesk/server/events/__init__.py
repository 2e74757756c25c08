"""The event backbone (contract §19): the transactional outbox, its worker and the outlets.

Services call :func:`refdesk.server.events.record.record` in the caller's transaction; the
worker (``worker.py``) fans each committed event out to webhook deliveries and e-mail and
sends them. Nothing else in refdesk sends anything.
"""
