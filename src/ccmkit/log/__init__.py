"""The outreach follow-up log (Contacted, Meeting held, Next step agreed) on a real database."""
