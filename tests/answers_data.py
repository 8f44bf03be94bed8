"""Complete answer sets, as a patient would post them (by linkId) and as they are stored."""

from __future__ import annotations

# What a patient posts on each page. Conditional questions on both sides of their
# conditions appear across the sets below.
FUSION_PATIENT_POSTS: dict[str, list[tuple[str, str]]] = {
    "about": [
        ("completed_by", "self_with_help"), ("helper_relation", "Daughter"),
        ("sex", "male"), ("height_cm", "172"), ("weight_kg", "88.5"),
        ("work_status", "off_work_pain"), ("preferred_language", "other"),
        ("preferred_language_other", "Tamil"), ("communication_needs", "interpreter"),
        ("communication_needs", "hearing"), ("occupational_risks", "driving"),
    ],
    "pain": [
        ("pain_regions", "lower_back"), ("pain_regions", "buttock_l"),
        ("pain_regions", "thigh_l"), ("pain_regions", "lower_leg_l"), ("pain_regions", "foot_l"),
        ("main_pain_area", "back_and_legs"), ("leg_pain_percent", "60"),
        ("pain_start_date", "03/2019"), ("pain_cause", "after_spine_surgery"),
        ("diagnoses", "persistent_pain_after_spine_surgery"), ("diagnoses", "other"),
        ("diagnoses_other", "Epidural fibrosis"),
        ("pain_descriptors", "burning"), ("pain_descriptors", "electric_shooting"),
        ("pain_pattern", "constant_with_flares"),
        ("pain_now", "6"), ("pain_worst", "9"), ("pain_least", "4"),
        ("red_flags", "none"), ("pain_worse_with", "sitting"), ("pain_worse_with", "walking"),
        ("pain_better_with", "Lying flat with a pillow under my knees"),
    ],
    "function": [
        ("peg_pain", "7"), ("peg_enjoyment", "8"), ("peg_activity", "6"),
        ("walk_distance", "100_500m"), ("mobility_aids", "stick"), ("sleep_affected", "yes"),
    ],
    "medicines": [
        ("medicines_taken", "yes"),
        ("medications-0-med_name", "Tapentadol"), ("medications-0-med_kind", "opioid"),
        ("medications-0-med_dose", "50 mg twice a day"), ("medications-0-med_current", "yes"),
        ("medications-0-med_duration", "gt_1_year"), ("medications-0-med_relief", "a_little"),
        ("medications-1-med_name", "Pregabalin"), ("medications-1-med_kind", "nerve_pain"),
        ("medications-1-med_current", "no"), ("medications-1-med_duration", "6_12_months"),
        ("medications-1-med_relief", "none"), ("medications-1-med_side_effects", "Dizzy, stopped"),
    ],
    "treatments": [
        ("physio_tried", "yes"), ("physio_duration", "gt_3_months"), ("physio_relief", "a_little"),
        ("psych_therapy_tried", "no"), ("psych_evaluation_done", "no"),
        ("procedures_had", "yes"),
        ("procedures-0-proc_type", "epidural_steroid"), ("procedures-0-proc_year", "2020"),
        ("procedures-0-proc_relief_percent", "30"),
        ("procedures-0-proc_relief_duration", "1_4_weeks"),
        ("spine_surgery", "yes"),
        ("surgeries-0-surgery_type", "fusion"), ("surgeries-0-surgery_year", "2018"),
        ("surgeries-0-surgery_outcome", "same"),
        ("surgeries-1-surgery_type", "fusion"), ("surgeries-1-surgery_year", "2021"),
        ("surgeries-1-surgery_outcome", "worse"),
        ("other_treatments", "tens"), ("prior_neuromodulation", "no"),
    ],
    "health": [
        ("blood_thinners", "yes"), ("blood_thinner_names", "apixaban"),
        ("bleeding_disorder", "no"), ("diabetes", "no"), ("infection_current", "no"),
        ("immunosuppressed", "no"), ("implanted_devices", "pacemaker"),
        ("mrsa_history", "no"), ("mri_needed", "yes"), ("diathermy", "no"),
        ("allergies", "yes"), ("allergy_details", "Penicillin - rash"),
        ("smoking", "former"), ("other_conditions", "heart"),
        ("spine_mri_recent", "within_12_months"),
    ],
    "mood": [
        *[(f"phq9_{n}", v) for n, v in zip(range(1, 10), "211121100", strict=True)],
        ("phq9_10", "somewhat"),
        *[(f"gad7_{n}", v) for n, v in zip(range(1, 8), "1101000", strict=True)],
    ],
    "wellbeing": [
        ("mental_health_history", "depression"), ("mental_health_current", "no"),
        ("alcohol_frequency", "monthly_or_less"), ("alcohol_typical_drinks", "1_2"),
        ("alcohol_six_plus", "never"), ("substance_use", "no"), ("substance_treatment", "no"),
        ("support_person", "yes"), ("legal_claim", "no"),
    ],
    "goals": [
        ("goals_text", "Walk to the temple and play with my grandchildren"),
        ("expected_relief_percent", "50"), ("expected_outcome", "much_less"),
        ("knows_reduction_not_cure", "yes"), ("reduce_medicines_if_helped", "yes"),
        ("engage_rehab", "yes"), ("trial_willing", "yes"), ("device_confidence", "somewhat"),
        ("questions_for_doctor", "How long does the battery last?"),
    ],
}

FUSION_PATIENT_STORED = {
    "completed_by": "self_with_help", "helper_relation": "Daughter", "sex": "male",
    "height_cm": 172, "weight_kg": 88.5, "work_status": "off_work_pain",
    "preferred_language": "other", "preferred_language_other": "Tamil",
    "communication_needs": ["interpreter", "hearing"], "occupational_risks": ["driving"],
    "pain_regions": ["lower_back", "buttock_l", "thigh_l", "lower_leg_l", "foot_l"],
    "main_pain_area": "back_and_legs", "leg_pain_percent": 60, "pain_start_date": "2019-03",
    "pain_cause": "after_spine_surgery",
    "diagnoses": ["persistent_pain_after_spine_surgery", "other"],
    "diagnoses_other": "Epidural fibrosis",
    "pain_descriptors": ["burning", "electric_shooting"], "pain_pattern": "constant_with_flares",
    "pain_now": 6, "pain_worst": 9, "pain_least": 4, "red_flags": ["none"],
    "pain_worse_with": ["sitting", "walking"],
    "pain_better_with": "Lying flat with a pillow under my knees",
    "peg_pain": 7, "peg_enjoyment": 8, "peg_activity": 6, "walk_distance": "100_500m",
    "mobility_aids": ["stick"], "sleep_affected": True, "medicines_taken": True,
    "medications": [
        {"med_name": "Tapentadol", "med_kind": "opioid", "med_dose": "50 mg twice a day",
         "med_current": True, "med_duration": "gt_1_year", "med_relief": "a_little"},
        {"med_name": "Pregabalin", "med_kind": "nerve_pain", "med_current": False,
         "med_duration": "6_12_months", "med_relief": "none", "med_side_effects": "Dizzy, stopped"},
    ],
    "physio_tried": True, "physio_duration": "gt_3_months", "physio_relief": "a_little",
    "psych_therapy_tried": False, "psych_evaluation_done": "no", "procedures_had": True,
    "procedures": [{"proc_type": "epidural_steroid", "proc_year": 2020,
                    "proc_relief_percent": 30, "proc_relief_duration": "1_4_weeks"}],
    "spine_surgery": True,
    "surgeries": [
        {"surgery_type": "fusion", "surgery_year": 2018, "surgery_outcome": "same"},
        {"surgery_type": "fusion", "surgery_year": 2021, "surgery_outcome": "worse"},
    ],
    "other_treatments": ["tens"], "prior_neuromodulation": False,
    "blood_thinners": "yes", "blood_thinner_names": ["apixaban"], "bleeding_disorder": False,
    "diabetes": False, "infection_current": False, "immunosuppressed": False,
    "implanted_devices": ["pacemaker"], "mrsa_history": "no", "mri_needed": "yes",
    "diathermy": "no", "allergies": True, "allergy_details": "Penicillin - rash",
    "smoking": "former", "other_conditions": ["heart"], "spine_mri_recent": "within_12_months",
    **{f"phq9_{n}": v for n, v in zip(range(1, 10), "211121100", strict=True)},
    "phq9_10": "somewhat",
    **{f"gad7_{n}": v for n, v in zip(range(1, 8), "1101000", strict=True)},
    "mental_health_history": ["depression"], "mental_health_current": False,
    "alcohol_frequency": "monthly_or_less", "alcohol_typical_drinks": "1_2",
    "alcohol_six_plus": "never", "substance_use": "no", "substance_treatment": "no",
    "support_person": True, "legal_claim": "no",
    "goals_text": "Walk to the temple and play with my grandchildren",
    "expected_relief_percent": 50, "expected_outcome": "much_less",
    "knows_reduction_not_cure": True, "reduce_medicines_if_helped": "yes",
    "engage_rehab": "yes", "trial_willing": "yes", "device_confidence": "somewhat",
    "questions_for_doctor": "How long does the battery last?",
}


def with_changes(posts, section, changes: dict[str, list[str] | str | None]):
    """A copy of ``posts`` where ``section`` has some fields replaced or removed."""
    result = {k: list(v) for k, v in posts.items()}
    rows = [(k, v) for k, v in result[section] if k not in changes]
    for key, value in changes.items():
        if value is None:
            continue
        for v in value if isinstance(value, list) else [value]:
            rows.append((key, v))
    result[section] = rows
    return result


def _answers(**changes):
    """FUSION_PATIENT_STORED with changes; a value of None removes the answer."""
    result = {**FUSION_PATIENT_STORED, **changes}
    return {k: v for k, v in result.items() if v is not None}


NO_ROWS = {"procedures": None, "surgeries": None}

CRPS_PATIENT_STORED = _answers(
    completed_by="self", helper_relation=None, sex="female", pregnant="no",
    preferred_language="english", preferred_language_other=None,
    communication_needs=["none"], occupational_risks=["none"],
    pain_regions=["arm_r", "hand_r"], main_pain_area="arms", leg_pain_percent=None,
    pain_cause="injury", diagnoses=["crps"], diagnoses_other=None,
    pain_descriptors=["burning", "touch_sensitive", "cold"],
    phq9_9="2", phq9_2="3", procedures_had=False, spine_surgery=False, **NO_ROWS,
    blood_thinners="no", blood_thinner_names=None, implanted_devices=["none"],
    mri_needed="no", allergies=False, allergy_details=None,
    medications=[{"med_name": "Amitriptyline", "med_kind": "antidepressant",
                  "med_dose": "10 mg at night", "med_current": True,
                  "med_duration": "6_12_months", "med_relief": "a_little"}],
)

DIABETIC_PATIENT_STORED = _answers(
    completed_by="self", helper_relation=None, preferred_language="hindi",
    preferred_language_other=None, communication_needs=["none"],
    occupational_risks=["none"], pain_regions=["lower_leg_l", "lower_leg_r", "foot_l", "foot_r"],
    main_pain_area="legs", leg_pain_percent=100, pain_cause="diabetes",
    diagnoses=["diabetic_neuropathy"], diagnoses_other=None,
    procedures_had=False, spine_surgery=False, **NO_ROWS,
    prior_neuromodulation=True, prior_neuromodulation_kind="trial_only",
    prior_neuromodulation_year=2022,
    blood_thinners="dont_know", blood_thinner_names=None, bleeding_disorder=True,
    diabetes=True, hba1c=9.1, infection_current=True, immunosuppressed=True,
    implanted_devices=["none"], mrsa_history="yes", mri_needed="dont_know", diathermy="yes",
    allergies=False, allergy_details=None, smoking="current",
    substance_use="yes", substance_treatment="past", support_person=False,
    medicines_taken=False, medications=None,
)
