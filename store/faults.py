"""What a database error means for the person at the command line: a storage fault (disk full,
read-only, server down) in one Chinese line, or a conflict between writers worth a retry.

SQLite names its result codes (`sqlite_errorname`), PostgreSQL its SQLSTATE; a connection that
could not be made at all has neither. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, IntegrityError

DISK_FULL = "磁盘已满，数据库无法写入"
READ_ONLY = "数据库是只读的（文件或文件系统只读，或没有写权限），无法写入"
CANNOT_OPEN = "无法打开数据库文件（目录不存在、只读或没有权限）"
DISK_ERROR = "读写数据库时磁盘出错"
UNREACHABLE = "无法连接数据库（服务器没有运行或连不上）"
SERVER_SHORT = "数据库服务器的磁盘空间或资源不足"
NOTHING_LOST = "已写入的数据不受影响；问题解决后重新运行同一命令即可。"
STORAGE_FAULT = 3  # the command line's exit code for one

_SQLITE = {"SQLITE_FULL": DISK_FULL, "SQLITE_READONLY": READ_ONLY, "SQLITE_CANTOPEN": CANNOT_OPEN,
           "SQLITE_IOERR": DISK_ERROR}  # fmt: skip
_POSTGRES = {"08": UNREACHABLE, "57P01": UNREACHABLE, "57P02": UNREACHABLE,
             "57P03": UNREACHABLE, "53": SERVER_SHORT, "25006": READ_ONLY}  # fmt: skip
# Writers that got in each other's way: SQLite past its busy timeout, PostgreSQL's
# serialisation failure, deadlock and lock-not-available.
_SQLITE_CONFLICTS = ("SQLITE_BUSY", "SQLITE_LOCKED")
_POSTGRES_CONFLICTS = ("40001", "40P01", "55P03")


def storage_fault(err: BaseException) -> str | None:
    """One Chinese line for a storage fault (the database is not at fault, its storage or
    server is), or None for anything else."""
    orig = err.orig if isinstance(err, DBAPIError) else err
    name = getattr(orig, "sqlite_errorname", None)
    if isinstance(name, str):
        return next((text for code, text in _SQLITE.items() if name.startswith(code)), None)
    if type(orig).__module__.startswith("psycopg"):
        state = getattr(orig, "sqlstate", None)
        if state is None:  # refused, timed out, closed: no server answered
            return UNREACHABLE
        return _POSTGRES.get(state) or _POSTGRES.get(state[:2])
    return None


def is_conflict(err: BaseException) -> bool:
    """True when another writer got there first and the same work may simply run again."""
    if isinstance(err, IntegrityError):  # a unique constraint caught the race
        return True
    orig = err.orig if isinstance(err, DBAPIError) else err
    name = getattr(orig, "sqlite_errorname", None)
    if isinstance(name, str):
        return name.startswith(_SQLITE_CONFLICTS)
    return getattr(orig, "sqlstate", None) in _POSTGRES_CONFLICTS
