"""Sites: an admin lists the clinic's places; the front desk sets a patient's site; the
worklist shows one site. A clinic with no sites sees none of it."""

from __future__ import annotations

from sqlalchemy import select

from app.platform.extensions import db
from app.records.models import AuditEvent, Site
from tests.answers_data import FUSION_PATIENT_STORED
from tests.conftest import Person
from tests.web.test_desk import details, names


def test_sites_are_added_set_on_a_patient_and_filter_the_worklist(app, clinic, desk, staff):
    kamala = clinic.with_answers("Kamala Iyer", FUSION_PATIENT_STORED, email="k@example.org")
    clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    assert 'name="site_id"' not in desk.get(f"/desk/patients/{kamala}").text
    assert 'id="site"' not in staff.get("/clinic/").text

    admin = app.test_client()
    Person(admin).login(clinic.staff("admin"))
    admin.post("/admin/sites", data={"name": "Jayanagar"})
    admin.post("/admin/sites", data={"name": "Whitefield"})
    again = admin.post("/admin/sites", data={"name": " Jayanagar "}).text
    assert "There is already a site called Jayanagar" in again
    with app.app_context():
        jayanagar = db.session.scalar(select(Site.id).where(Site.name == "Jayanagar"))
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "site.add"))

    desk.post(f"/desk/patients/{kamala}", data=details(site_id=str(jayanagar)))
    assert names(staff.get(f"/clinic/?site={jayanagar}").text) == ["Kamala Iyer"]
    assert names(staff.get("/clinic/").text) == ["Kamala Iyer", "Ravi Kumar"]
    assert "Jayanagar" in desk.get(f"/desk/patients/{kamala}").text
