"""keep worklist state on patients

Revision ID: 26ee2287436a
Revises: 67ce22796677
Create Date: 2026-11-25 02:55:44.231547

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '26ee2287436a'
down_revision = '67ce22796677'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('worklist_status', sa.String(length=16), server_default='invited', nullable=False))
        batch_op.add_column(sa.Column('is_urgent', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index('ix_patients_worklist_order', ['is_urgent', 'visit_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_patients_worklist_status'), ['worklist_status'], unique=False)
    # Backfill from each patient's newest response.
    newest = ("SELECT {} FROM questionnaire_responses r WHERE r.patient_id = patients.id "
              "ORDER BY r.revision DESC LIMIT 1")
    op.execute(
        "UPDATE patients SET "
        f"is_urgent = COALESCE(({newest.format('r.is_urgent')}), is_urgent), "
        "worklist_status = COALESCE(({}), 'invited')".format(newest.format(
            "CASE WHEN r.status = 'draft' THEN 'in_progress' "
            "WHEN r.reviewed_at IS NULL THEN 'submitted' ELSE 'reviewed' END"))
    )


def downgrade():
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patients_worklist_status'))
        batch_op.drop_index('ix_patients_worklist_order')
        batch_op.drop_column('is_urgent')
        batch_op.drop_column('worklist_status')

