"""Trials with temporary leads, and the daily diary's entries

Revision ID: a7c9e1f3b568
Revises: f6b8d0e2a457
Create Date: 2026-12-07 05:00:00.000000

"""
import sqlalchemy as sa
from alembic import op



# revision identifiers, used by Alembic.
revision = 'a7c9e1f3b568'
down_revision = 'f6b8d0e2a457'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'trials',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('patient_id', sa.Integer(), nullable=False),
        sa.Column('start_date', sa.Date(), nullable=False),
        sa.Column('days', sa.Integer(), nullable=False),
        sa.Column('end_date', sa.Date(), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=True),
        sa.Column('baseline', sa.Float(), nullable=True),
        sa.Column('baseline_source', sa.String(length=16), nullable=False),
        sa.Column('link_salt', sa.String(length=32), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('failed_checks', sa.Integer(), server_default='0', nullable=False),
        sa.Column('locked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_trials_created_by_id_users')),
        sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_trials_patient_id_patients')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_trials')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_trials_token_hash')),
    )
    op.create_index(op.f('ix_trials_patient_id'), 'trials', ['patient_id'], unique=False)
    op.create_index(op.f('ix_trials_end_date'), 'trials', ['end_date'], unique=False)
    op.create_table(
        'trial_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('trial_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('questionnaire_id', sa.String(length=64), nullable=False),
        sa.Column('questionnaire_version', sa.Integer(), nullable=False),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=True),
        sa.Column('late', sa.Boolean(), nullable=False),
        sa.Column('written_on', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['trial_id'], ['trials.id'], name=op.f('fk_trial_entries_trial_id_trials')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_trial_entries')),
        sa.UniqueConstraint('trial_id', 'day', name='uq_trial_entry_day'),
    )
    op.create_index(op.f('ix_trial_entries_trial_id'), 'trial_entries', ['trial_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_trial_entries_trial_id'), table_name='trial_entries')
    op.drop_table('trial_entries')
    op.drop_index(op.f('ix_trials_end_date'), table_name='trials')
    op.drop_index(op.f('ix_trials_patient_id'), table_name='trials')
    op.drop_table('trials')
