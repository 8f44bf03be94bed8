"""The places a clinic sees patients, when it has more than one. With none, nothing asks
for a site, and every list is the whole clinic's."""

from __future__ import annotations

from sqlalchemy import select

from ..platform.extensions import db
from . import audit
from .models import Site, User


class SiteError(ValueError):
    """A site that cannot be added; the message is shown beside its name."""


def all_sites() -> list[Site]:
    return list(db.session.scalars(select(Site).order_by(Site.name)))


def add_site(name: str, by: User) -> Site:
    name = " ".join(name.split())
    if not name:
        raise SiteError("Enter the site's name")
    if db.session.scalar(select(Site.id).where(Site.name == name)) is not None:
        raise SiteError(f"There is already a site called {name}")
    site = Site(name=name[:120])
    db.session.add(site)
    db.session.flush()
    audit.record("site.add", actor=by, target=f"site {site.id}", name=site.name)
    db.session.commit()
    return site
