"""the information version linked at consent, and the versions a patient opened

Revision ID: d8e1f4a2b609
Revises: c5d2e9a1f307
Create Date: 2026-12-03 08:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd8e1f4a2b609'
down_revision = 'c5d2e9a1f307'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('information_version', sa.Integer(), nullable=True))
    op.create_table(
        'information_views',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('patient_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['patient_id'], ['patients.id'],
                                name=op.f('fk_information_views_patient_id_patients')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_information_views')),
        sa.UniqueConstraint('patient_id', 'version', name='uq_information_view_patient_version'),
    )


def downgrade():
    op.drop_table('information_views')
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_column('information_version')
