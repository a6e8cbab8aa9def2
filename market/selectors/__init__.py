"""Reads on market, by entity."""
