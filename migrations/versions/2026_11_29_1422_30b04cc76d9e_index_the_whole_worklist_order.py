"""index the whole worklist order

Revision ID: 30b04cc76d9e
Revises: 26ee2287436a
Create Date: 2026-11-29 14:22:28.798786

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '30b04cc76d9e'
down_revision = '26ee2287436a'
branch_labels = None
depends_on = None

# Urgent first, then by visit date (none last), name and id: the worklist's ORDER BY.
ORDER = [sa.text('is_urgent DESC'), sa.text('(visit_date IS NULL)'), 'visit_date', 'name', 'id']


def upgrade():
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.drop_index('ix_patients_worklist_order')
        batch_op.drop_index('ix_patients_worklist_status')
    op.create_index('ix_patients_worklist_order', 'patients', [*ORDER, 'worklist_status'])
    op.create_index('ix_patients_worklist_status', 'patients', ['worklist_status', *ORDER])


def downgrade():
    op.drop_index('ix_patients_worklist_status', table_name='patients')
    op.drop_index('ix_patients_worklist_order', table_name='patients')
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.create_index('ix_patients_worklist_status', ['worklist_status'], unique=False)
        batch_op.create_index('ix_patients_worklist_order', ['is_urgent', 'visit_date'], unique=False)
