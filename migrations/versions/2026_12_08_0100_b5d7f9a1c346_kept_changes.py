"""The answers changed since the revision before, kept with each submitted revision

Revision ID: b5d7f9a1c346
Revises: f3c5e7a9b124
Create Date: 2026-12-08 01:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b5d7f9a1c346'
down_revision = 'f3c5e7a9b124'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('questionnaire_responses', sa.Column('changes', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('questionnaire_responses') as batch_op:
        batch_op.drop_column('changes')
