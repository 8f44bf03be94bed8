"""Urgent items the patient withdrew

Revision ID: f1b3d5e7a902
Revises: e4a7c2b9f013
Create Date: 2026-12-04 17:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f1b3d5e7a902'
down_revision = 'e4a7c2b9f013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('urgent_items') as batch:
        batch.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('withdrawn_as', sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table('urgent_items') as batch:
        batch.drop_column('withdrawn_as')
        batch.drop_column('withdrawn_at')
