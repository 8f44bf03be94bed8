"""Messages; patient contact, identifiers, specialist, legal hold; the front desk; acknowledged
urgent items; consent for research and by whom; the grievance officer

Revision ID: d4f6b8c0e235
Revises: c3e5a7b9d124
Create Date: 2026-12-07 01:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd4f6b8c0e235'
down_revision = 'c3e5a7b9d124'
branch_labels = None
depends_on = None

ROLES_BEFORE = "role IN ('patient', 'clinician', 'admin')"
ROLES_NOW = "role IN ('patient', 'frontdesk', 'clinician', 'admin')"


def upgrade():
    op.create_table(
        'messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('patient_id', sa.Integer(), nullable=True),
        sa.Column('template', sa.String(length=32), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('to', sa.String(length=254), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('reason', sa.String(length=200), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('for_day', sa.Date(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('send_after', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("state IN ('queued', 'sent', 'failed')", name=op.f('ck_messages_state')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_messages_created_by_id_users')),
        sa.ForeignKeyConstraint(['patient_id'], ['patients.id'],
                                name=op.f('fk_messages_patient_id_patients')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
        sa.UniqueConstraint('patient_id', 'template', 'for_day', name='uq_message_patient_day'),
    )
    op.create_index(op.f('ix_messages_patient_id'), 'messages', ['patient_id'], unique=False)
    # Not in batch mode: on SQLite that rebuilds the table, and with it the worklist's
    # expression indexes, which it cannot read back.
    op.add_column('patients', sa.Column('channel', sa.String(length=16), nullable=True))
    op.add_column('patients', sa.Column('language', sa.String(length=8), nullable=True))
    op.add_column('patients', sa.Column('hospital_number', sa.String(length=32), nullable=True))
    op.add_column('patients', sa.Column('abha_number', sa.String(length=14), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its reference, but Alembic would rebuild the table.
        op.execute("ALTER TABLE patients ADD COLUMN clinician_id INTEGER REFERENCES users (id)")
    else:
        op.add_column('patients', sa.Column('clinician_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_patients_clinician_id_users'), 'patients', 'users',
                              ['clinician_id'], ['id'])
    op.create_index(op.f('ix_patients_clinician_id'), 'patients', ['clinician_id'])
    op.add_column('patients', sa.Column('legal_hold', sa.String(length=300), nullable=True))
    op.create_table(
        'sites',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sites')),
        sa.UniqueConstraint('name', name=op.f('uq_sites_name')),
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE patients ADD COLUMN site_id INTEGER REFERENCES sites (id)")
    else:
        op.add_column('patients', sa.Column('site_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_patients_site_id_sites'), 'patients', 'sites',
                              ['site_id'], ['id'])
    op.create_index(op.f('ix_patients_site_id'), 'patients', ['site_id'])
    op.add_column('password_resets', sa.Column('failed_checks', sa.Integer(),
                                               server_default='0', nullable=False))
    for name, kind in (('research', sa.Boolean()), ('given_by', sa.String(length=16)),
                       ('given_by_name', sa.String(length=120)),
                       ('withdrawn_at', sa.DateTime(timezone=True))):
        op.add_column('consents', sa.Column(name, kind, nullable=True))
    for name, length in (('grievance_officer', 120), ('grievance_contact', 254)):
        op.add_column('clinic_profile', sa.Column(name, sa.String(length=length),
                                                  server_default='', nullable=False))
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint('role', ROLES_NOW)
        batch_op.add_column(sa.Column('may_export_identified', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))
    with op.batch_alter_table('urgent_items') as batch_op:
        batch_op.add_column(sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('acknowledged_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_urgent_items_acknowledged_by_id_users'), 'users',
                                    ['acknowledged_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('urgent_items') as batch_op:
        batch_op.drop_constraint(op.f('fk_urgent_items_acknowledged_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('acknowledged_by_id')
        batch_op.drop_column('acknowledged_at')
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint('role', ROLES_BEFORE)
        batch_op.drop_column('may_export_identified')
    for name in ('grievance_contact', 'grievance_officer'):
        op.drop_column('clinic_profile', name)
    for name in ('withdrawn_at', 'given_by_name', 'given_by', 'research'):
        op.drop_column('consents', name)
    op.drop_column('password_resets', 'failed_checks')
    op.drop_index(op.f('ix_patients_site_id'), table_name='patients')
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f('fk_patients_site_id_sites'), 'patients', type_='foreignkey')
    op.drop_column('patients', 'site_id')
    op.drop_table('sites')
    op.drop_column('patients', 'legal_hold')
    op.drop_index(op.f('ix_patients_clinician_id'), table_name='patients')
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f('fk_patients_clinician_id_users'), 'patients',
                           type_='foreignkey')
    op.drop_column('patients', 'clinician_id')
    op.drop_column('patients', 'abha_number')
    op.drop_column('patients', 'hospital_number')
    op.drop_column('patients', 'language')
    op.drop_column('patients', 'channel')
    op.drop_index(op.f('ix_messages_patient_id'), table_name='messages')
    op.drop_table('messages')
