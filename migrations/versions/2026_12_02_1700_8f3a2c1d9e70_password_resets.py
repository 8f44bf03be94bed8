"""password reset links; phones written in E.164

Revision ID: 8f3a2c1d9e70
Revises: 5c1d0e7a9b42
Create Date: 2026-12-02 17:00:00.000000

"""
import os

import phonenumbers
import sqlalchemy as sa
from alembic import op



# revision identifiers, used by Alembic.
revision = '8f3a2c1d9e70'
down_revision = '5c1d0e7a9b42'
branch_labels = None
depends_on = None


def _e164(phone, region):
    try:
        number = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def upgrade():
    op.create_table(
        'password_resets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_password_resets_created_by_id_users')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_password_resets_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_password_resets')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_password_resets_token_hash')),
    )
    with op.batch_alter_table('password_resets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_resets_user_id'), ['user_id'],
                              unique=False)

    # Logins and lock-outs are keyed on the phone in E.164 ("+919845012345"); earlier
    # rows kept what was typed, less spaces. A number that would clash is left as it was.
    region = os.environ.get('CLINIC_REGION', 'IN')
    conn = op.get_bind()
    for table in ('users', 'patients'):
        rows = conn.execute(sa.text(f'SELECT id, phone FROM {table} WHERE phone IS NOT NULL'))
        taken = set()
        for ident, phone in rows.fetchall():
            e164 = _e164(phone, region)
            if e164 and e164 != phone and (table != 'users' or e164 not in taken):
                clash = table == 'users' and conn.execute(
                    sa.text('SELECT 1 FROM users WHERE phone = :p'), {'p': e164}).first()
                if not clash:
                    conn.execute(sa.text(f'UPDATE {table} SET phone = :p WHERE id = :i'),
                                 {'p': e164, 'i': ident})
                    taken.add(e164)


def downgrade():
    with op.batch_alter_table('password_resets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_resets_user_id'))
    op.drop_table('password_resets')
