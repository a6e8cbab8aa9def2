"""Writes on accounts, by area: identity (registration, login, SMS, passwords), verification (real-name,
sub-accounts, roles), messages."""
