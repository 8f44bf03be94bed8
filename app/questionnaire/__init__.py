"""The questionnaire engine: definitions, enableWhen, answers, forms and scoring.

Nothing here imports Flask; the web layer calls these functions.
"""
