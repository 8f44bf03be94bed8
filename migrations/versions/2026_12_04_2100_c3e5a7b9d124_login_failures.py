"""Wrong passwords counted per account and client

Revision ID: c3e5a7b9d124
Revises: b2d4f6a8c013
Create Date: 2026-12-04 21:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c3e5a7b9d124'
down_revision = 'b2d4f6a8c013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'login_failures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('client', sa.String(length=64), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_login_failures_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures')),
        sa.UniqueConstraint('user_id', 'client', name=op.f('uq_login_failures_user_id')),
    )
    op.create_index(op.f('ix_login_failures_user_id'), 'login_failures', ['user_id'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_login_failures_user_id'), table_name='login_failures')
    op.drop_table('login_failures')
