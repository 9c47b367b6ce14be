"""The action board and the follow-up review."""
