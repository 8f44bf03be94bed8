"""The language a response was given in

Revision ID: e5a7c9d1f346
Revises: d4f6b8c0e235
Create Date: 2026-12-07 03:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e5a7c9d1f346'
down_revision = 'd4f6b8c0e235'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('questionnaire_responses',
                  sa.Column('language', sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table('questionnaire_responses', schema=None) as batch_op:
        batch_op.drop_column('language')
