"""The newest response's revision, submission, progress and totals on each patient, for
the worklist; each submitted revision's summary kept with it; PDFs kept by the SHA-256 of
their HTML; an index on the patient's phone for searches

Revision ID: f6b8d0e2a457
Revises: e5a7c9d1f346
Create Date: 2026-12-07 04:00:00.000000

Existing patients keep NULL until `flask summaries rebuild` (or their next change) fills
them; the worklist reads such a row's response as before.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f6b8d0e2a457'
down_revision = 'e5a7c9d1f346'
branch_labels = None
depends_on = None


def upgrade():
    # Not in batch mode: on SQLite that rebuilds the table, and with it the worklist's
    # expression indexes, which it cannot read back.
    op.add_column('patients', sa.Column('worklist_revision', sa.Integer(), nullable=True))
    op.add_column('patients', sa.Column('worklist_submitted_at', sa.DateTime(timezone=True),
                                        nullable=True))
    op.add_column('patients', sa.Column('worklist_done', sa.Integer(), server_default='0',
                                        nullable=False))
    op.add_column('patients', sa.Column('worklist_scores', sa.JSON(), nullable=True))
    op.create_index(op.f('ix_patients_phone'), 'patients', ['phone'], unique=False)
    op.add_column('questionnaire_responses', sa.Column('summary', sa.JSON(), nullable=True))
    op.add_column('questionnaire_responses',
                  sa.Column('summary_key', sa.String(length=120), nullable=True))
    op.create_table(
        'rendered_pdfs',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('patient_id', sa.Integer(), nullable=True),
        sa.Column('body', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['patient_id'], ['patients.id'],
                                name=op.f('fk_rendered_pdfs_patient_id_patients')),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_rendered_pdfs')),
    )
    op.create_index(op.f('ix_rendered_pdfs_created_at'), 'rendered_pdfs', ['created_at'],
                    unique=False)
    op.create_index(op.f('ix_rendered_pdfs_patient_id'), 'rendered_pdfs', ['patient_id'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_rendered_pdfs_patient_id'), table_name='rendered_pdfs')
    op.drop_index(op.f('ix_rendered_pdfs_created_at'), table_name='rendered_pdfs')
    op.drop_table('rendered_pdfs')
    op.drop_index(op.f('ix_patients_phone'), table_name='patients')
    with op.batch_alter_table('questionnaire_responses') as batch_op:
        batch_op.drop_column('summary_key')
        batch_op.drop_column('summary')
    for column in ('worklist_scores', 'worklist_done', 'worklist_submitted_at',
                   'worklist_revision'):
        op.drop_column('patients', column)
