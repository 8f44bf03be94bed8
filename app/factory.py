"""The app factory: configuration, extensions, blueprints, error pages and commands."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from config import CONFIGS, Config

from . import IN_CHECKOUT, ROOT, shared_folder
from .platform import logs, security
from .platform.extensions import csrf, db, limiter, login_manager, migrate
from .records import (
    clinic_details,
    clock,
    messages,
    patient_information,
    questionnaires,
    translations,
)
from .web import guards, language, static_files


def create_app(config: type[Config] | str | None = None, **overrides) -> Flask:
    """Build the app. ``config`` is a Config class or a name; APP_ENV picks it otherwise."""
    if config is None or isinstance(config, str):
        config = CONFIGS[config or os.environ.get("APP_ENV", "development")]
    config.check()
    app = Flask(
        "app",
        # Installed, Flask's default: <prefix>/var/app-instance.
        instance_path=str(ROOT / "instance") if IN_CHECKOUT else None,
        template_folder=str(shared_folder("templates")),
    )
    app.config.from_object(config)
    app.config.update(overrides)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        os.makedirs(app.instance_path, exist_ok=True)
        db_path = Path(app.instance_path) / "scs_intake.db"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_path}"
    app.config["SQLALCHEMY_DATABASE_URI"] = _psycopg3(app.config["SQLALCHEMY_DATABASE_URI"])

    logs.init_app(app)
    guards.init_app(app)
    register_extensions(app)
    clock.init_app(app)
    questionnaires.init_app(app)
    patient_information.init_app(app)
    messages.init_app(app)
    translations.init_app(app)
    security.init_app(app)
    static_files.init_app(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_template_helpers(app)
    language.init_app(app)
    if app.config.get("REQUIRE_CLINIC_PHONE"):
        clinic_details.require_phone(app)
    return app


def _psycopg3(url: str) -> str:
    """Let ``postgresql://`` URLs use psycopg 3, the driver this project installs."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite needs foreign keys, WAL and a busy timeout turned on per connection."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


@event.listens_for(Engine, "connect")
def _plan_for_the_values(dbapi_connection, connection_record):
    """PostgreSQL plans every statement for the values it is given.

    psycopg prepares a statement on the server after its fifth run, and PostgreSQL may then
    keep one generic plan for any values. A search's plan depends on the words: a generic
    plan guesses a pattern matches a few names, so "Patient 0", which matches nearly every
    name, read a million trigram index entries (145 ms instead of 32 ms). Planning afresh
    costs a fraction of a millisecond, too little for the bench to tell apart.
    """
    if type(dbapi_connection).__module__.startswith("psycopg"):
        dbapi_connection.prepare_threshold = None


def register_extensions(app: Flask) -> None:
    from .records.models import include_in_autogenerate
    from .web import auth  # noqa: F401 - registers the user loader

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(shared_folder("migrations")),
        compare_type=True,
        include_object=include_in_autogenerate,
    )
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)


def register_blueprints(app: Flask) -> None:
    from .web.admin.routes import bp as admin_bp
    from .web.auth.routes import bp as auth_bp
    from .web.clinic import trial  # noqa: F401 - adds the trial's pages to clinic_bp
    from .web.clinic.routes import bp as clinic_bp
    from .web.desk.routes import bp as desk_bp
    from .web.diary.routes import bp as diary_bp
    from .web.fhir.routes import bp as fhir_bp
    from .web.main import bp as main_bp
    from .web.patient.routes import bp as patient_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(patient_bp)
    app.register_blueprint(clinic_bp)
    app.register_blueprint(desk_bp)
    app.register_blueprint(diary_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(fhir_bp)


def register_errorhandlers(app: Flask) -> None:
    from .web.errors import init_app

    init_app(app)


def register_commands(app: Flask) -> None:
    from .cli import init_app

    init_app(app)


def register_template_helpers(app: Flask) -> None:
    from .web.templating import init_app

    init_app(app)
