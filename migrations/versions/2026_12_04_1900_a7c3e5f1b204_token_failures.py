"""Wrong API tokens, counted per client and day

Revision ID: a7c3e5f1b204
Revises: f1b3d5e7a902
Create Date: 2026-12-04 19:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a7c3e5f1b204'
down_revision = 'f1b3d5e7a902'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'token_failures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client', sa.String(length=64), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('first_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_token_failures')),
        sa.UniqueConstraint('client', 'day', name=op.f('uq_token_failures_client')),
    )


def downgrade():
    op.drop_table('token_failures')
