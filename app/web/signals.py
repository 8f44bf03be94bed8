"""Signals between blueprints, so that none imports another's internals.

``posted_after_timeout`` is sent when a logged-in user's POST arrives after their session
timed out, before they are logged out. A receiver may keep what was posted and return
the path to come back to after logging in again.
"""

from blinker import Namespace

_signals = Namespace()
posted_after_timeout = _signals.signal("posted-after-timeout")
