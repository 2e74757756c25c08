"""The refdesk Python SDK (see issue 4). Depends on httpx only; never imports refdesk.server."""
