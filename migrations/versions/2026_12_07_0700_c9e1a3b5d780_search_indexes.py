"""An index for each condition a patient search ORs with the name's

Revision ID: c9e1a3b5d780
Revises: b8d0f2a4c679
Create Date: 2026-12-07 07:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c9e1a3b5d780'
down_revision = 'b8d0f2a4c679'
branch_labels = None
depends_on = None

# A reference by its first characters, email and phone by "contains": PostgreSQL's pattern
# operators and trigrams (the extension is there for the names' index). SQLite scans.
POSTGRESQL = {
    'ix_patients_ref_prefix': dict(columns=['ref'], postgresql_ops={'ref': 'text_pattern_ops'}),
    'ix_patients_email': dict(
        columns=['email'], postgresql_using='gin', postgresql_ops={'email': 'gin_trgm_ops'}
    ),
    'ix_patients_digits': dict(
        columns=['phone'], postgresql_using='gin', postgresql_ops={'phone': 'gin_trgm_ops'}
    ),
}


def upgrade():
    op.create_index('ix_patients_hospital_number', 'patients', [sa.text('lower(hospital_number)')])
    op.create_index(op.f('ix_patients_abha_number'), 'patients', ['abha_number'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        for name, index in POSTGRESQL.items():
            index = dict(index)
            op.create_index(name, 'patients', index.pop('columns'), **index)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for name in POSTGRESQL:
            op.drop_index(name, table_name='patients')
    op.drop_index(op.f('ix_patients_abha_number'), table_name='patients')
    op.drop_index('ix_patients_hospital_number', table_name='patients')
