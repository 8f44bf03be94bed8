"""Migrations are the only way the schema is made, and they match the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import bindparam, create_engine, inspect, text

from app import ROOT, create_app
from app.platform.extensions import db
from app.records.models import EXPRESSION_INDEXES, POSTGRESQL_INDEXES, include_in_autogenerate
from tests.conftest import DATABASES, database_url


@pytest.fixture(params=DATABASES)
def empty_app(request, tmp_path):
    url = database_url(request.param, tmp_path, purpose="migrations")
    if request.param == "postgresql":
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_there_is_a_single_migration_head():
    from alembic.config import Config

    config = Config(str(ROOT / "migrations" / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


# SQLite cannot reflect the worklist's expression indexes; the next test checks them.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_upgrade_on_an_empty_database_matches_the_models(empty_app):
    with empty_app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_object": include_in_autogenerate}
            )
            diff = compare_metadata(context, db.metadata)
        assert diff == []


def test_upgrade_creates_the_indexes_autogenerate_cannot_compare(empty_app):
    with empty_app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                sql = "SELECT name FROM sqlite_master WHERE type = 'index'"
            else:
                sql = "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"
            names = set(conn.exec_driver_sql(sql).scalars())
        assert names >= EXPRESSION_INDEXES
        if conn.dialect.name == "postgresql":
            assert names >= POSTGRESQL_INDEXES


def test_expression_indexes_are_migrated_as_the_models_define_them(empty_app):
    """Autogenerate compares these indexes by name only, so PostgreSQL's own definition
    of each, migrated and made from the models, must be the same: a column added in the
    models and not in a migration would have a page read the table, not the index."""
    if empty_app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite keeps an index's SQL as it was written, not a definition")
    names = tuple(EXPRESSION_INDEXES | POSTGRESQL_INDEXES)
    query = text(
        "SELECT schemaname, indexname, replace(indexdef, schemaname || '.', '') "
        "FROM pg_indexes WHERE indexname IN :names"
    ).bindparams(bindparam("names", expanding=True))
    with empty_app.app_context():
        upgrade()
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS models CASCADE; CREATE SCHEMA models"))
            db.metadata.create_all(conn.execution_options(schema_translate_map={None: "models"}))
            found = conn.execute(query, {"names": names}).all()
            conn.execute(text("DROP SCHEMA models CASCADE"))
    migrated = {name: definition for schema, name, definition in found if schema == "public"}
    modelled = {name: definition for schema, name, definition in found if schema == "models"}
    assert set(migrated) == set(names)
    assert migrated == modelled


def test_downgrade_to_base_removes_every_table(empty_app):
    with empty_app.app_context():
        upgrade()
        downgrade(revision="base")
        tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        upgrade()
        assert "questionnaire_responses" in inspect(db.engine).get_table_names()
