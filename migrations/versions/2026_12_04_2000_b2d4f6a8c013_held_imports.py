"""Where a response came from, and imports held for staff

Revision ID: b2d4f6a8c013
Revises: a7c3e5f1b204
Create Date: 2026-12-04 20:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b2d4f6a8c013'
down_revision = 'a7c3e5f1b204'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('questionnaire_responses') as batch:
        batch.add_column(sa.Column('origin', sa.String(length=160), nullable=True))
        batch.add_column(sa.Column('hold', sa.String(length=16), nullable=True))
        batch.add_column(sa.Column('identity_check', sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table('questionnaire_responses') as batch:
        batch.drop_column('identity_check')
        batch.drop_column('hold')
        batch.drop_column('origin')
