"""Clinic administration: staff accounts, invitations, the audit log."""
