"""The front desk: inviting and chasing patients, their contact details and messages.

Open to the front desk role and to clinicians and admins; nothing here shows an answer,
a score, a note or what an urgent item was about.
"""
