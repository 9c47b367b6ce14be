"""Tests of the real app on a real (virtual) X display."""
