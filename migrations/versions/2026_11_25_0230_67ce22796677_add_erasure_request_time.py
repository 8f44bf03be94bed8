"""add erasure request time

Revision ID: 67ce22796677
Revises: a305fd0037c1
Create Date: 2026-11-25 02:30:49.777436

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '67ce22796677'
down_revision = 'a305fd0037c1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erasure_requested_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.drop_column('erasure_requested_at')

