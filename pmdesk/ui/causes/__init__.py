"""The cause tree editor and its diagram."""
