"""Fakes of the three APIs (loopback HTTP servers) and an in-memory connector."""
