"""A doctor's own list ("mine") in the worklist's order, with and without a status

Revision ID: f3c5e7a9b124
Revises: e2b4d6f8a013
Create Date: 2026-12-07 18:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f3c5e7a9b124'
down_revision = 'e2b4d6f8a013'
branch_labels = None
depends_on = None

ORDER = [sa.text('is_urgent DESC'), sa.text("coalesce(visit_date, '9999-12-31')"), 'name', 'id']
ASSIGNED = sa.text('clinician_id IS NOT NULL')


def upgrade():
    op.create_index(
        'ix_patients_clinician_order',
        'patients',
        ['clinician_id', *ORDER, 'worklist_status', 'visit_date'],
        postgresql_where=ASSIGNED,
        sqlite_where=ASSIGNED,
    )
    op.create_index(
        'ix_patients_clinician_status',
        'patients',
        ['clinician_id', 'worklist_status', *ORDER, 'visit_date'],
        postgresql_where=ASSIGNED,
        sqlite_where=ASSIGNED,
    )


def downgrade():
    op.drop_index('ix_patients_clinician_status', table_name='patients')
    op.drop_index('ix_patients_clinician_order', table_name='patients')
