"""Test doubles that run for real on loopback (servers, not mocks)."""
