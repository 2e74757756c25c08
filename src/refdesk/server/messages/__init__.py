"""Messages: e-mail from assignors and managers to users of their site (contract §18.8)."""
