"""The specialist's summary, built from a definition and answers by pure functions."""
