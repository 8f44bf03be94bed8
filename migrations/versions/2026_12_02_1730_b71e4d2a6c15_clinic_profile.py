"""the clinic's profile, edited by an admin

Revision ID: b71e4d2a6c15
Revises: 8f3a2c1d9e70
Create Date: 2026-12-02 17:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b71e4d2a6c15'
down_revision = '8f3a2c1d9e70'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'clinic_profile',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('phone', sa.String(length=40), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('address', sa.String(length=500), nullable=False),
        sa.Column('opening_hours', sa.String(length=200), nullable=False),
        sa.Column('crisis_line', sa.String(length=120), nullable=False),
        sa.Column('crisis_numbers', sa.String(length=120), nullable=False),
        sa.Column('emergency_number', sa.String(length=20), nullable=False),
        sa.Column('time_zone', sa.String(length=64), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'],
                                name=op.f('fk_clinic_profile_updated_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_clinic_profile')),
    )


def downgrade():
    op.drop_table('clinic_profile')
