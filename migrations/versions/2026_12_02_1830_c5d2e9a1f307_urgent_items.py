"""urgent items, each followed up on its own

Revision ID: c5d2e9a1f307
Revises: b71e4d2a6c15
Create Date: 2026-12-02 18:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c5d2e9a1f307'
down_revision = 'b71e4d2a6c15'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'urgent_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('patient_id', sa.Integer(), nullable=False),
        sa.Column('response_id', sa.Integer(), nullable=True),
        sa.Column('rule_id', sa.String(length=64), nullable=False),
        sa.Column('label', sa.String(length=120), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('followed_up_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('followed_up_by_id', sa.Integer(), nullable=True),
        sa.Column('action', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['followed_up_by_id'], ['users.id'],
                                name=op.f('fk_urgent_items_followed_up_by_id_users')),
        sa.ForeignKeyConstraint(['patient_id'], ['patients.id'],
                                name=op.f('fk_urgent_items_patient_id_patients')),
        sa.ForeignKeyConstraint(['response_id'], ['questionnaire_responses.id'],
                                name=op.f('fk_urgent_items_response_id_questionnaire_responses')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_urgent_items')),
    )
    with op.batch_alter_table('urgent_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_urgent_items_patient_id'), ['patient_id'],
                              unique=False)
    # Patients flagged urgent before items were kept keep one open item each, so no
    # flag disappears unseen; staff follow it up like any other.
    op.execute(sa.text(
        "INSERT INTO urgent_items (patient_id, response_id, rule_id, label, text, raised_at) "
        "SELECT id, NULL, 'urgent', 'Urgent answer', "
        "'An urgent answer from before each item was followed up on its own: see the "
        "summary', CURRENT_TIMESTAMP FROM patients WHERE is_urgent"))


def downgrade():
    with op.batch_alter_table('urgent_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_urgent_items_patient_id'))
    op.drop_table('urgent_items')
