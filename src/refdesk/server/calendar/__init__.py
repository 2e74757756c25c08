"""The personal calendar feed (contract §19.3, refdesk extension): one secret iCalendar URL
per account with its slots across all its sites."""
