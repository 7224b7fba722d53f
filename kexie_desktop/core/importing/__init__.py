"""Bringing in the Excel and CSV files clerks already keep: rosters and ledgers, however messy."""
