"""Meeting mode: the review on a shared screen, step by step, with a timer."""
