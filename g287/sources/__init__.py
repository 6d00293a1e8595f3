"""Readers of ICE's publications (workbooks, CSV) and the rules for interpreting their values."""
