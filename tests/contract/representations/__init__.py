"""Every representation, field by field, against the contract's tables (§9.2, §10, §11,
§15–§18), one module per resource; the checker and the tables live in tests/support."""
