"""The front desk's order index holds the visit date itself, so a search's first thousand
matches in order are read from the index alone

Revision ID: a4c6e8f0b235
Revises: f3c5e7a9b124
Create Date: 2026-12-08 00:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a4c6e8f0b235'
down_revision = 'f3c5e7a9b124'
branch_labels = None
depends_on = None

KEYS = [sa.text("coalesce(visit_date, '9999-12-31')"), 'name', 'id']


def upgrade():
    op.drop_index('ix_patients_visit_order', table_name='patients')
    op.create_index('ix_patients_visit_order', 'patients', [*KEYS, 'visit_date'])


def downgrade():
    op.drop_index('ix_patients_visit_order', table_name='patients')
    op.create_index('ix_patients_visit_order', 'patients', KEYS)
