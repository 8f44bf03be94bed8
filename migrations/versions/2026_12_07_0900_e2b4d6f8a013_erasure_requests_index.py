"""An index of the patients who asked to be erased: the admin's list read every patient

Revision ID: e2b4d6f8a013
Revises: d1a3c5e7f902
Create Date: 2026-12-07 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e2b4d6f8a013'
down_revision = 'd1a3c5e7f902'
branch_labels = None
depends_on = None

ASKED = sa.text('erasure_requested_at IS NOT NULL')


def upgrade():
    op.create_index(
        'ix_patients_erasure_requested_at',
        'patients',
        ['erasure_requested_at'],
        postgresql_where=ASKED,
        sqlite_where=ASKED,
    )


def downgrade():
    op.drop_index('ix_patients_erasure_requested_at', table_name='patients')
