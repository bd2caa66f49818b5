"""Create the PostgreSQL role the application connects as in production, with the privileges it
needs and no more: on the audit table only INSERT and SELECT, so that no bug or intrusion through the
application can change, delete or truncate the audit trail, or disable its triggers (only a table's
owner may, and the application is not the owner).

Run it as the role that owns the tables (the one that runs ``migrate``), once, and again after an
upgrade; default privileges give the application role the same rights on tables created later.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from psycopg import sql

AUDIT_TABLE = "core_auditevent"


def role_statements(role: str, database: str) -> list[sql.Composable]:
    r, db = sql.Identifier(role), sql.Identifier(database)
    return [
        sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(db, r),
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(r),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(r),
        sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}").format(r),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}"
        ).format(r),
        sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {}").format(r),
        # The audit trail: append and read, nothing else (TRUNCATE is not granted above either).
        sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {} FROM {}").format(
            sql.Identifier(AUDIT_TABLE), r
        ),
    ]


class Command(BaseCommand):
    help = "创建生产环境应用连接所用的 PostgreSQL 角色：审计日志表只能插入和读取。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="the application's role, e.g. gongkai_app")
        parser.add_argument("--password", default="", help="set this password (else the role is left as it is)")

    def handle(self, *args: Any, role: str, password: str, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("db_roles 只用于 PostgreSQL；SQLite 没有数据库角色（见 docs/security.md）。")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT current_user, current_database()")
            owner, database = cursor.fetchone()
            if owner == role:
                raise CommandError("应用角色不能是拥有数据表的角色：请以运行 migrate 的角色执行本命令。")
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                cursor.execute(
                    sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE").format(sql.Identifier(role))
                )
            if password:
                cursor.execute(sql.SQL("ALTER ROLE {} PASSWORD %s").format(sql.Identifier(role)), [password])
            for statement in role_statements(role, database):
                cursor.execute(statement)
        self.stdout.write(f"角色 {role} 已就绪：可读写业务表，审计日志表 {AUDIT_TABLE} 只能 INSERT 和 SELECT。")
        self.stdout.write("生产环境以该角色连接（DATABASE_URL），migrate 和 search_rebuild 以表的所有者运行。")
