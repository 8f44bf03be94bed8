"""The patient's trial diary: a link that asks the date of birth once, then a page a day."""
