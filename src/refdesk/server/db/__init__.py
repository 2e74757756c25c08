"""Persistence: declarative base, engine/session, migrations, optimistic locking."""
