"""The front desk's order (visit date, name) as an index: without it every patient was sorted

Revision ID: d1a3c5e7f902
Revises: c9e1a3b5d780
Create Date: 2026-12-07 08:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd1a3c5e7f902'
down_revision = 'c9e1a3b5d780'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_patients_visit_order',
        'patients',
        [sa.text("coalesce(visit_date, '9999-12-31')"), 'name', 'id'],
    )


def downgrade():
    op.drop_index('ix_patients_visit_order', table_name='patients')
