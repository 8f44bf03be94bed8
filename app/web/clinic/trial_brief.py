"""The newest trial's brief, as the patient's page and the trial's PDF page show it."""

from __future__ import annotations

from ...records import trials
from ...records.clock import clinic_today
from ...records.models import Patient
from .charts import pain_chart


def brief_context(patient: Patient) -> dict:
    """What the patient's page and the PDF need to show the newest trial, if any."""
    trial = trials.newest(patient)
    if trial is None:
        return {"trial": None}
    brief = trials.trial_brief(trial, clinic_today())
    return {
        "trial": trial,
        "trial_brief": brief,
        "trial_chart": pain_chart(brief),
        "today": clinic_today(),
    }
