"""Webhook subscriptions (contract §18.7); delivery itself is in ``refdesk.server.events``."""
