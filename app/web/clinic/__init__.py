"""The specialist's workspace: worklist, summary, notes, exports."""
