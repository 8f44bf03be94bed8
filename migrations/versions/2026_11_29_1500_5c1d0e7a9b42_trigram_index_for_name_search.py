"""trigram index for name search on postgresql

Revision ID: 5c1d0e7a9b42
Revises: 30b04cc76d9e
Create Date: 2026-11-29 15:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5c1d0e7a9b42'
down_revision = '30b04cc76d9e'
branch_labels = None
depends_on = None


def upgrade():
    # SQLite keeps its plain index on the name; only PostgreSQL can use trigrams.
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    op.drop_index('ix_patients_name', table_name='patients')
    op.create_index('ix_patients_name', 'patients', ['name'], postgresql_using='gin',
                    postgresql_ops={'name': 'gin_trgm_ops'})


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index('ix_patients_name', table_name='patients')
    op.create_index('ix_patients_name', 'patients', ['name'])
