"""The worklist's order with every key after urgency ascending and none null (keyset pages)

Revision ID: b8d0f2a4c679
Revises: a7c9e1f3b568
Create Date: 2026-12-07 06:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b8d0f2a4c679'
down_revision = 'a7c9e1f3b568'
branch_labels = None
depends_on = None

# Urgent first, then by visit date (none as the last day there is), name and id.
ORDER = [sa.text('is_urgent DESC'), sa.text("coalesce(visit_date, '9999-12-31')"), 'name', 'id']
BEFORE = [sa.text('is_urgent DESC'), sa.text('(visit_date IS NULL)'), 'visit_date', 'name', 'id']


def _indexes(order, extra):
    op.drop_index('ix_patients_worklist_order', table_name='patients')
    op.drop_index('ix_patients_worklist_status', table_name='patients')
    op.create_index('ix_patients_worklist_order', 'patients', [*order, 'worklist_status', *extra])
    op.create_index('ix_patients_worklist_status', 'patients', ['worklist_status', *order, *extra])


def upgrade():
    # The visit date itself last, so the index covers a page's columns.
    _indexes(ORDER, ['visit_date'])


def downgrade():
    _indexes(BEFORE, [])
